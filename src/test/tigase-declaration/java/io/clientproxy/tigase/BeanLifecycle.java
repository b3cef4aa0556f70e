package io.clientproxy.tigase;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tigase.kernel.beans.RegistrarBean;
import tigase.kernel.beans.config.ConfigField;
import tigase.kernel.beans.config.ConfigurationChangedAware;
import tigase.kernel.beans.Initializable;
import tigase.kernel.core.Kernel;

/**
 * Creates a component bean against the compile-time declaration of the Tigase API (default build):
 * the steps Tigase's kernel takes in {@code Kernel.initBean}, in its order, for what the
 * declaration has. The bean is created with its no-arg constructor, registers in a kernel of its
 * own ({@code RegistrarBean}), gets its name (the DSL configurator's {@code name} property) and
 * its configuration by {@code @ConfigField} alias, {@code beanConfigurationChanged}, then
 * {@code initialize()}. With {@code -Ptigase} the file of the same name under
 * {@code src/test/tigase-kernel} uses Tigase's real kernel instead.
 */
final class BeanLifecycle {
    private static final ThreadLocal<Object> CREATING = new ThreadLocal<>();

    private BeanLifecycle() {
    }

    /**
     * @param creator handed to the bean's constructor through {@link #creating} (the kernel calls
     *                the no-arg constructor)
     * @param config  option values by {@code @ConfigField} alias, as Java values of the field's type
     */
    static <T> T create(Class<T> cls, String name, Map<String, Object> config, Object creator) {
        T bean;
        CREATING.set(creator);
        try {
            bean = cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot create " + cls, e);
        } finally {
            CREATING.remove();
        }
        if (bean instanceof RegistrarBean r) {
            r.register(new Kernel(name));
        }
        if (bean instanceof tigase.server.BasicComponent c) {
            c.setName(name);
        }
        for (Map.Entry<String, Object> e : config.entrySet()) {
            Field f = field(bean, e.getKey());
            set(bean, f, convert(e.getValue(), f.getType()));
        }
        if (bean instanceof ConfigurationChangedAware c) {
            c.beanConfigurationChanged(config.keySet());
        }
        if (bean instanceof Initializable i) {
            i.initialize();
        }
        return bean;
    }

    /** The creator handed to {@link #create}, for the bean's no-arg constructor. */
    static <H> H creating(Class<H> type) {
        return type.cast(CREATING.get());
    }

    /**
     * What Tigase's {@code DefaultTypesConverter} does with the values tests use: text becomes a
     * {@code Duration} ({@code 'PT30S'}); an array option takes a list (what {@code config.tdsl}'s
     * {@code [ ... ]} gives) or else the value's {@code toString()} split at commas, so a Java
     * array becomes the one element {@code [Ljava.lang.String;@...}.
     */
    private static Object convert(Object value, Class<?> type) {
        if (type == Duration.class && value instanceof String text) {
            return Duration.parse(text.trim());
        }
        if (type.isArray() && value != null) {
            List<?> items = value instanceof List<?> list ? list : List.of(value.toString().split("(?<!\\\\),"));
            Object array = Array.newInstance(type.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, items.get(i));
            }
            return array;
        }
        return value;
    }

    private static Field field(Object bean, String alias) {
        for (Class<?> c = bean.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                ConfigField cf = f.getAnnotation(ConfigField.class);
                if (cf != null && cf.alias().equals(alias)) {
                    return f;
                }
            }
        }
        throw new AssertionError("no @ConfigField with alias " + alias);
    }

    private static void set(Object bean, Field field, Object value) {
        try {
            field.setAccessible(true);
            field.set(bean, value);
        } catch (IllegalAccessException ex) {
            throw new AssertionError(ex);
        }
    }
}
