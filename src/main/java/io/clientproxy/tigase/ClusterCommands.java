package io.clientproxy.tigase;

import io.clientproxy.core.ClusterLink;
import io.clientproxy.core.Jid;
import io.clientproxy.core.TargetEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import tigase.cluster.api.ClusterControllerIfc;
import tigase.cluster.api.CommandListener;
import tigase.cluster.api.CommandListenerAbstract;
import tigase.server.Packet;
import tigase.server.Priority;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * The core's {@link ClusterLink} over Tigase's cluster controller: two commands between the
 * instances of one component bean ({@code <bean>@<node>}; the controller Tigase hands a component
 * prefixes command names with the bean's name, so beans never see each other's):
 * <ul>
 * <li>{@value #EVENT}: a fact about the target's presence, as a data map ({@code kind},
 * {@code resource}, {@code priority});</li>
 * <li>{@value #STANZA}: a stanza this node received for an encoded address another node issued,
 * as its element, processed there as if it had arrived there.</li>
 * </ul>
 * Until Tigase hands over a controller (single node: never) nothing is sent.
 */
final class ClusterCommands implements ClusterLink<Packet> {
    private static final Logger log = Logger.getLogger(ClusterCommands.class.getName());

    static final String EVENT = "client-proxy-event";
    static final String STANZA = "client-proxy-stanza";

    private final Supplier<JID> self;
    private final Supplier<List<JID>> others;
    private final List<CommandListener> listeners;
    private volatile ClusterControllerIfc controller;

    /**
     * @param self     this instance's component id ({@code <bean>@<node>})
     * @param others   the instances on the other nodes
     * @param events   receives (node, fact) for every {@value #EVENT}
     * @param handedOver receives every packet of a {@value #STANZA}
     */
    ClusterCommands(Supplier<JID> self, Supplier<List<JID>> others, BiConsumer<String, TargetEvent> events,
                    Consumer<Packet> handedOver) {
        this.self = self;
        this.others = others;
        this.listeners = List.of(new CommandListenerAbstract(EVENT, Priority.HIGH) {
            @Override
            public void executeCommand(JID fromNode, Set<JID> visitedNodes, Map<String, String> data,
                                       Queue<Element> packets) {
                TargetEvent event = decode(data);
                if (event != null) {
                    events.accept(fromNode.getDomain(), event);
                }
            }
        }, new CommandListenerAbstract(STANZA, Priority.HIGH) {
            @Override
            public void executeCommand(JID fromNode, Set<JID> visitedNodes, Map<String, String> data,
                                       Queue<Element> packets) {
                for (Element element; packets != null && (element = packets.poll()) != null; ) {
                    try {
                        Packet packet = Packet.packetInstance(element);
                        packet.setPacketFrom(fromNode);
                        handedOver.accept(packet);
                    } catch (Exception e) {
                        log.log(Level.WARNING, "could not take a stanza handed over by " + fromNode + ": " + element, e);
                    }
                }
            }
        });
    }

    /** Tigase's controller for this component (cluster mode); replaces an earlier one. */
    void setController(ClusterControllerIfc next) {
        ClusterControllerIfc previous = controller;
        if (previous != null) {
            listeners.forEach(previous::removeCommandListener);
        }
        controller = next;
        if (next != null) {
            listeners.forEach(next::setCommandListener);
        }
    }

    @Override
    public Collection<String> otherNodes() {
        if (controller == null) {
            return List.of();
        }
        JID me = self.get();
        List<String> nodes = new ArrayList<>();
        for (JID jid : others.get()) {
            if (!jid.equals(me)) {
                nodes.add(jid.getDomain());
            }
        }
        return nodes;
    }

    @Override
    public void send(String node, TargetEvent event) {
        ClusterControllerIfc c = controller;
        if (c != null) {
            c.sendToNodes(EVENT, encode(event), self.get(), instanceOn(node));
        }
    }

    @Override
    public void handOver(String node, Packet stanza) {
        ClusterControllerIfc c = controller;
        if (c != null) {
            c.sendToNodes(STANZA, null, stanza.getElement(), self.get(), null, instanceOn(node));
        }
    }

    private JID instanceOn(String node) {
        return JID.jidInstanceNS(self.get().getLocalpart(), node, null);
    }

    static Map<String, String> encode(TargetEvent event) {
        Map<String, String> data = new HashMap<>();
        data.put("kind", event.kind().name());
        if (event.resource() != null) {
            data.put("resource", event.resource().toString());
            data.put("priority", Integer.toString(event.priority()));
        }
        return data;
    }

    /** The fact a data map carries; null (logged) for one this version does not know. */
    static TargetEvent decode(Map<String, String> data) {
        try {
            TargetEvent.Kind kind = TargetEvent.Kind.valueOf(data.get("kind"));
            String resource = data.get("resource");
            return new TargetEvent(kind, resource == null ? null : Jid.parse(resource),
                    resource == null ? 0 : Integer.parseInt(data.getOrDefault("priority", "0")));
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "unknown cluster event " + data + " (nodes with different versions?)", e);
            return null;
        }
    }
}
