package tigase.kernel.beans.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Compile-time declaration of {@code tigase.kernel.beans.config.ConfigField} (tigase-server 8.4.0):
 * marks a field set from the bean's configuration; {@code alias} is the key used in
 * {@code config.tdsl}.
 */
@Target({ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ConfigField {

	String desc();

	String alias() default "";

	boolean allowAliasFromParent() default true;

	ConfigFieldType type() default ConfigFieldType.Plain;
}
