package tigase.server;

import java.util.Queue;
import tigase.xmpp.jid.JID;

/**
 * Compile-time declaration of {@code tigase.server.ServerComponent} (tigase-server 8.4.0), with
 * every method of the real interface.
 */
public interface ServerComponent {

	JID getComponentId();

	ComponentInfo getComponentInfo();

	String getName();

	void setName(String name);

	void initializationCompleted();

	boolean isInitializationComplete();

	void processPacket(Packet packet, Queue<Packet> results);

	void release();
}
