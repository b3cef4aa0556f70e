package tigase.cluster.api;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import tigase.server.Priority;
import tigase.stats.StatisticsList;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/** Compile-time declaration of {@code tigase.cluster.api.CommandListener} (tigase-server 8.4.0). */
public interface CommandListener
		extends Comparable<CommandListener> {

	void executeCommand(JID fromNode, Set<JID> visitedNodes, Map<String, String> data, Queue<Element> packets)
			throws ClusterCommandException;

	String getName();

	void setName(String name);

	Priority getPriority();

	@SuppressWarnings("deprecation")
	void getStatistics(StatisticsList list);
}
