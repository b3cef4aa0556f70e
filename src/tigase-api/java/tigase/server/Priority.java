package tigase.server;

/** Compile-time declaration of {@code tigase.server.Priority} (tigase-server 8.4.0): packet priorities, highest first. */
public enum Priority {
	SYSTEM, CLUSTER, HIGH, NORMAL, LOW, PRESENCE, LOWEST
}
