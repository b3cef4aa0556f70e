package tigase.kernel.beans;

/** Compile-time declaration of {@code tigase.kernel.beans.Initializable} (tigase-server 8.4.0). */
public interface Initializable {

	void initialize();
}
