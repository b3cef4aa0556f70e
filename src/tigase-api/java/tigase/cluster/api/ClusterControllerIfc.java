package tigase.cluster.api;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * Compile-time declaration of {@code tigase.cluster.api.ClusterControllerIfc} (tigase-server
 * 8.4.0), with every abstract method of the real interface (so that a stand-in written against
 * this declaration also implements the real one). {@code sendToNodes} runs the command registered
 * under {@code command} ({@link #setCommandListener}) on each of {@code toNodes}, with the data map
 * and the packets.
 */
public interface ClusterControllerIfc {

	void handleClusterPacket(Element packet);

	void nodeConnected(String addr);

	void nodeDisconnected(String addr);

	void setCommandListener(CommandListener listener);

	void removeCommandListener(CommandListener listener);

	void sendToNodes(String command, Map<String, String> data, Queue<Element> packets, JID fromNode,
					 Set<JID> visitedNodes, JID... toNodes);

	void sendToNodes(String command, Queue<Element> packets, JID fromNode, Set<JID> visitedNodes, JID... toNodes);

	void sendToNodes(String command, Map<String, String> data, JID fromNode, Set<JID> visitedNodes, JID... toNodes);

	void sendToNodes(String command, Map<String, String> data, JID fromNode, JID... toNodes);

	void sendToNodes(String command, JID fromNode, JID... toNodes);

	void sendToNodes(String command, Element packet, JID fromNode, Set<JID> visitedNodes, JID... toNodes);

	void sendToNodes(String command, Map<String, String> data, Element packet, JID fromNode, Set<JID> visitedNodes,
					 JID... toNodes);
}
