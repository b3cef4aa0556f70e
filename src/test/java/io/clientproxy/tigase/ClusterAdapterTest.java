package io.clientproxy.tigase;

import static io.clientproxy.tigase.ComponentHarness.ALICE;
import static io.clientproxy.tigase.ComponentHarness.COMPONENT;
import static io.clientproxy.tigase.ComponentHarness.TARGET;
import static io.clientproxy.tigase.ComponentHarness.attr;
import static io.clientproxy.tigase.ComponentHarness.iq;
import static io.clientproxy.tigase.ComponentHarness.query;
import static io.clientproxy.tigase.ComponentHarness.stanza;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tigase.cluster.api.ClusterCommandException;
import tigase.cluster.api.ClusterControllerIfc;
import tigase.cluster.api.CommandListener;
import tigase.server.Packet;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * Two instances of the bean on two nodes, wired through a stand-in of Tigase's cluster
 * controller that runs each command on the instance it is sent to, as the real one does over
 * the cluster connection: the bot's presence and answers reach node2's instance, alice's request
 * node1's.
 */
class ClusterAdapterTest {

    /** Tigase's cluster controller, in memory: commands by name, per node. */
    static final class ControllerStandIn {
        final Map<JID, Map<String, CommandListener>> listeners = new HashMap<>();
        int sent;
        /** Commands to an instance that had no listener for them yet. */
        int lost;

        ClusterControllerIfc forNode(JID component) {
            return new ClusterControllerIfc() {
                @Override
                public void setCommandListener(CommandListener listener) {
                    listeners.computeIfAbsent(component, k -> new HashMap<>()).put(listener.getName(), listener);
                }

                @Override
                public void removeCommandListener(CommandListener listener) {
                    listeners.getOrDefault(component, Map.of()).remove(listener.getName());
                }

                @Override
                public void sendToNodes(String command, Map<String, String> data, JID fromNode, JID... toNodes) {
                    sendToNodes(command, data, null, fromNode, null, toNodes);
                }

                @Override
                public void sendToNodes(String command, Map<String, String> data, Element packet, JID fromNode,
                                        Set<JID> visitedNodes, JID... toNodes) {
                    for (JID to : toNodes) {
                        sent++;
                        CommandListener listener = listeners.getOrDefault(to, Map.of()).get(command);
                        if (listener == null) {
                            // Tigase logs "Missing CommandListener for cluster method" and drops it.
                            lost++;
                            continue;
                        }
                        Queue<Element> packets = new ArrayDeque<>();
                        if (packet != null) {
                            packets.add(packet.clone());
                        }
                        try {
                            listener.executeCommand(fromNode, Set.of(fromNode), data, packets);
                        } catch (ClusterCommandException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            };
        }
    }

    static ComponentHarness node(String node, ControllerStandIn controller) {
        ComponentHarness h = new ComponentHarness(Map.of("target-address", TARGET));
        h.component.setCompId(JID.jidInstanceNS("proxy", node, null));
        h.component.initialize();
        // A real node's default host is its name, so initialize() registers name@node as this node;
        // here every instance runs in one JVM with the machine's host name: take that one out again.
        h.component.nodeDisconnected(h.component.getDefHostName().getDomain());
        h.component.start();
        h.component.setClusterController(controller.forNode(h.component.getComponentId()));
        h.take();
        return h;
    }

    @Test
    void aRequestOnOneNodeIsAnsweredByABotOnTheOther() {
        ControllerStandIn controller = new ControllerStandIn();
        ComponentHarness node1 = node("node1", controller);
        ComponentHarness node2 = node("node2", controller);
        assertEquals(0, controller.sent, "alone, nothing crosses");
        node1.component.nodeConnected("node2");
        node2.component.nodeConnected("node1");

        node2.online("a", 3);
        assertEquals(1, node1.component.core().resources().size(), "node1 learnt node2's resource");
        assertEquals("node2", node1.component.core().resources().snapshot()[0].node());
        assertEquals(3, node1.component.core().resources().snapshot()[0].priority());

        node1.receive(iq(ALICE, COMPONENT, "q1", "get", query("urn:example:echo")));
        Packet fwd = node1.one();
        assertEquals(TARGET + "/a", attr(fwd, "to"));
        int before = controller.sent;
        // The bot's answer reaches the instance on its own node, which hands it over.
        node2.receive(iq(attr(fwd, "to"), attr(fwd, "from"), attr(fwd, "id"), "result", query("urn:example:echo")));
        assertTrue(node2.take().isEmpty(), "node2 sends nothing to alice itself");
        Packet answer = node1.one();
        assertEquals("result", attr(answer, "type"));
        assertEquals(ALICE, attr(answer, "to"));
        assertEquals(COMPONENT, attr(answer, "from"));
        assertEquals("q1", attr(answer, "id"));
        assertEquals("jabber:client", answer.getElement().getXMLNS());
        assertEquals(1, controller.sent - before, "one cluster message per answer");
        assertEquals(1, node2.component.core().counters().get(Counter.HANDED_OVER));
    }

    @Test
    void whenTheBotsNodeLeavesItsResourceGoesAndAPendingSetIsAnswered() {
        ControllerStandIn controller = new ControllerStandIn();
        ComponentHarness node1 = node("node1", controller);
        ComponentHarness node2 = node("node2", controller);
        node1.component.nodeConnected("node2");
        node2.component.nodeConnected("node1");
        node2.online("a", 0);
        node1.receive(iq(ALICE, COMPONENT, "s1", "set", query("urn:example:echo")));
        node1.one();
        node1.component.nodeDisconnected("node2");
        Packet error = node1.one();
        assertEquals("error", attr(error, "type"));
        assertEquals("s1", attr(error, "id"));
        assertNotNull(error.getElement().getChild("error").getChild("recipient-unavailable", "urn:ietf:params:xml:ns:xmpp-stanzas"));
        assertEquals(0, node1.component.core().resources().size());
    }

    @Test
    void aNodeThatConnectsLaterLearnsTheResourcesAndTheSubscription() {
        ControllerStandIn controller = new ControllerStandIn();
        ComponentHarness node2 = node("node2", controller);
        node2.receive(stanza("presence", TARGET, COMPONENT, null, "subscribed"));
        node2.online("a", 0);
        node2.take();
        ComponentHarness node1 = node("node1", controller);
        node1.component.nodeConnected("node2");
        node2.component.nodeConnected("node1");
        assertEquals(1, node1.component.core().resources().size());
        assertEquals("subscribed", node1.component.core().subscriptionState().key());
    }

    /**
     * node1 restarts while no bot resource is online. Tigase holds node1's {@code subscribe} for the
     * offline account (nothing answers it), and what node2 sent when the cluster link came up
     * reached node1 before its instance was ready: lost. Once up, node1's instance asks node2, learns
     * that the subscription is approved, and neither asks the bot again nor warns that it did not
     * answer.
     */
    @Test
    void anInstanceThatComesUpAfterTheClusterLinkAsksTheOtherNodes() {
        ControllerStandIn controller = new ControllerStandIn();
        ComponentHarness node2 = node("node2", controller);
        node2.receive(stanza("presence", TARGET, COMPONENT, null, "subscribed"));
        node2.take();

        ComponentHarness node1 = new ComponentHarness(Map.of("target-address", TARGET));
        node1.component.setCompId(JID.jidInstanceNS("proxy", "node1", null));
        node2.component.nodeConnected("node1");
        assertEquals(2, controller.lost, "node2's greeting (the subscription, and its question) found no instance on node1");
        node1.component.nodeConnected("node2");
        node1.component.initialize();
        node1.component.nodeDisconnected(node1.component.getDefHostName().getDomain());
        node1.component.start();
        Packet subscribe = node1.one();
        assertEquals("subscribe", attr(subscribe, "type"));
        node1.component.setClusterController(controller.forNode(node1.component.getComponentId()));

        assertEquals("subscribed", node1.component.core().subscriptionState().key());
        node1.clock.addAndGet(3_600_000);
        for (int s = 0; s < 5; s++) {
            node1.component.everySecond();
        }
        assertTrue(node1.take().isEmpty(), "node1 does not ask the bot again");
    }
}
