package tigase.kernel.beans;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Compile-time declaration of {@code tigase.kernel.beans.Bean} (tigase-server 8.4.0). Not needed for
 * a component enabled from {@code config.tdsl} (the bean name is then the config key).
 */
@Target({ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@SuppressWarnings("rawtypes")
public @interface Bean {

	String name();

	/** No default in the real annotation either. */
	boolean active();

	boolean exportable() default false;

	Class parent() default Object.class;

	Class[] parents() default {};

	Class<? extends BeanSelector>[] selectors() default {};
}
