package tigase.kernel.beans;

/** Compile-time declaration of {@code tigase.kernel.beans.UnregisterAware} (tigase-server 8.4.0). */
public interface UnregisterAware {

	void beforeUnregister();
}
