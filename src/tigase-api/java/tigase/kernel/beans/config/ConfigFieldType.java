package tigase.kernel.beans.config;

/** Compile-time declaration of {@code tigase.kernel.beans.config.ConfigFieldType} (tigase-server 8.4.0). */
public enum ConfigFieldType {
	Plain,
	Password,
	JdbcUrl
}
