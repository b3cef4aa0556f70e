package tigase.server;

/**
 * Compile-time declaration of the marker interface {@code tigase.server.DisableDisco}
 * (tigase-server 8.4.0): a component implementing it receives service-discovery queries itself
 * instead of having them answered by the message router.
 */
public interface DisableDisco {
}
