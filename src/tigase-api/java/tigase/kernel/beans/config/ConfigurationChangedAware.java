package tigase.kernel.beans.config;

import java.util.Collection;

/**
 * Compile-time declaration of {@code tigase.kernel.beans.config.ConfigurationChangedAware}
 * (tigase-server 8.4.0): told the names of the fields the kernel changed.
 */
public interface ConfigurationChangedAware {

	void beanConfigurationChanged(Collection<String> changedFields);
}
