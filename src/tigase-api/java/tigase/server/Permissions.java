package tigase.server;

/**
 * Compile-time declaration of {@code tigase.server.Permissions} (tigase-server 8.4.0): what a
 * packet's sender may do, as the session manager sets it from the sender's connection. A packet a
 * component creates starts with {@link #NONE}.
 */
public enum Permissions {
	NONE, ANONYM, REMOTE, LOCAL, AUTH, TRUSTED, ADMIN
}
