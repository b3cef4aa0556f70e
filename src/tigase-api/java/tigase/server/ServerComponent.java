package tigase.server;

import tigase.xmpp.jid.JID;

/**
 * Compile-time declaration of {@code tigase.server.ServerComponent} (tigase-server 8.4.0), with the
 * subset of its methods that {@link BasicComponent} declares here.
 */
public interface ServerComponent {

	JID getComponentId();

	ComponentInfo getComponentInfo();

	String getName();

	void setName(String name);

	void initializationCompleted();

	boolean isInitializationComplete();
}
