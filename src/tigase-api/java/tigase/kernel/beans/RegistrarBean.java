package tigase.kernel.beans;

import tigase.kernel.core.Kernel;

/**
 * Compile-time declaration of {@code tigase.kernel.beans.RegistrarBean} (tigase-server 8.4.0): a
 * bean that gets its own sub-kernel. A component extending {@code AbstractMessageReceiver} must
 * implement it (empty methods suffice), see shared/tigase-notes.md.
 */
public interface RegistrarBean {

	void register(Kernel kernel);

	void unregister(Kernel kernel);
}
