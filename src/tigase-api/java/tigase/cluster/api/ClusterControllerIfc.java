package tigase.cluster.api;

import java.util.Map;
import java.util.Set;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * Compile-time declaration of {@code tigase.cluster.api.ClusterControllerIfc} (tigase-server
 * 8.4.0), with the methods this project uses. {@code sendToNodes} runs the command registered
 * under {@code command} ({@link #setCommandListener}) on each of {@code toNodes}, with the data map
 * and the packet.
 */
public interface ClusterControllerIfc {

	void setCommandListener(CommandListener listener);

	void removeCommandListener(CommandListener listener);

	void sendToNodes(String command, Map<String, String> data, JID fromNode, JID... toNodes);

	void sendToNodes(String command, Map<String, String> data, Element packet, JID fromNode, Set<JID> visitedNodes,
					 JID... toNodes);
}
