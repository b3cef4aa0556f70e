package tigase.kernel.core;

/**
 * Compile-time declaration of {@code tigase.kernel.core.Kernel} (tigase-server 8.4.0): only its
 * constructors, so that {@code RegistrarBean} can be implemented. Nothing is registered here.
 */
public class Kernel {

	@SuppressWarnings("unused")
	private final String name;

	public Kernel() {
		this("<unknown>");
	}

	public Kernel(String name) {
		this.name = name;
	}
}
