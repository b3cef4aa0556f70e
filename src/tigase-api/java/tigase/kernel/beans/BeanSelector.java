package tigase.kernel.beans;

import tigase.kernel.core.Kernel;

/** Compile-time declaration of {@code tigase.kernel.beans.BeanSelector} (tigase-server 8.4.0). */
public interface BeanSelector {

	boolean shouldRegister(Class<?> clazz, Kernel kernel);
}
