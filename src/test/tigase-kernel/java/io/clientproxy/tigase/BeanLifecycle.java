package io.clientproxy.tigase;

import java.util.HashMap;
import java.util.Map;
import tigase.component.DSLBeanConfiguratorWithBackwardCompatibility;
import tigase.kernel.DefaultTypesConverter;
import tigase.kernel.KernelException;
import tigase.kernel.core.Kernel;

/**
 * Creates a component bean with real Tigase's kernel ({@code mvn -Ptigase}), set up the way
 * Tigase's own component tests set it up: a {@code DefaultTypesConverter} and the DSL bean
 * configurator holding the configuration as {@code config.tdsl} would give it
 * ({@code name { alias = value }}). The kernel creates the bean with its no-arg constructor, gives
 * it a kernel of its own ({@code RegistrarBean}), registers and injects its helper beans (the
 * packet filters), converts and sets the options, calls {@code beanConfigurationChanged} (which
 * creates the processing queues) and {@code initialize()}. The default build uses the file of the
 * same name under {@code src/test/tigase-declaration}.
 */
final class BeanLifecycle {
    private static final ThreadLocal<Object> CREATING = new ThreadLocal<>();

    private BeanLifecycle() {
    }

    /**
     * @param creator handed to the bean's constructor through {@link #creating} (the kernel calls
     *                the no-arg constructor)
     * @param config  option values by {@code @ConfigField} alias (converted by Tigase's converter)
     */
    static <T> T create(Class<T> cls, String name, Map<String, Object> config, Object creator) {
        Kernel kernel = new Kernel("root");
        kernel.registerBean(DefaultTypesConverter.class).exportable().exec();
        kernel.registerBean(DSLBeanConfiguratorWithBackwardCompatibility.class).exportable().exec();
        Map<String, Object> props = new HashMap<>();
        props.put(name, new HashMap<>(config));
        kernel.getInstance(DSLBeanConfiguratorWithBackwardCompatibility.class).setProperties(props);
        kernel.registerBean(name).asClass(cls).setActive(true).exec();
        CREATING.set(creator);
        try {
            return cls.cast(kernel.getInstance(name));
        } catch (KernelException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (!(t instanceof KernelException) && t instanceof RuntimeException r) {
                    throw r;
                }
            }
            throw e;
        } finally {
            CREATING.remove();
        }
    }

    /** The creator handed to {@link #create}, for the bean's no-arg constructor. */
    static <H> H creating(Class<H> type) {
        return type.cast(CREATING.get());
    }
}
