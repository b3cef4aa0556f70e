package io.clientproxy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Several cores wired as the nodes of a Tigase cluster by an in-memory stand-in of the cluster
 * controller. As in a real cluster, a stanza addressed to the component reaches the node where it
 * entered: a sender's stanzas its own node, the target's presence and answers the node of the
 * target's session; only user-addressed stanzas cross between nodes (the server routes them).
 */
class ClusterTest {
    static final Jid COMPONENT = Jid.parse("proxy.example.com");
    static final Jid TARGET = Jid.parse("bot@example.com");

    /** A stanza as the tests move it around: its facts, and which request it answers. */
    record Stanza(String kind, String label, Jid from, Jid to, String id, String type, String condition) {
        Stanza(String kind, String label, Jid from, Jid to, String id, String type) {
            this(kind, label, from, to, id, type, null);
        }
    }

    /** What a core sent: a stanza out to the server. */
    record Out(String node, Stanza stanza) {
    }

    /** The cluster: nodes, their cores, and the cluster traffic in flight (delivered by {@link #pump}). */
    static final class Cluster {
        final AtomicLong clock = new AtomicLong(1_000_000);
        final Map<String, ProxyCore<Stanza>> cores = new LinkedHashMap<>();
        final Set<String> connected = new LinkedHashSet<>();
        final ArrayDeque<Runnable> wire = new ArrayDeque<>();
        final List<Out> out = new ArrayList<>();
        int messages;

        ProxyCore<Stanza> add(String node, ProxySettings settings) {
            Outbox<Stanza> outbox = new Outbox<>() {
                @Override
                public void forward(Stanza s, Jid from, Jid to) {
                    out.add(new Out(node, new Stanza(s.kind(), s.label(), from, to, s.id(), s.type())));
                }

                @Override
                public void forwardToOneResource(Stanza s, Jid from, Jid to) {
                    forward(s, from, to);
                }

                @Override
                public void forwardRequest(Stanza s, Jid from, Jid to, String id) {
                    out.add(new Out(node, new Stanza(s.kind(), s.label(), from, to, id, s.type())));
                }

                @Override
                public void forwardAnswer(Stanza answer, Stanza request, Jid from, Jid to) {
                    out.add(new Out(node, new Stanza(answer.kind(), answer.label(), from, to, request.id(), answer.type())));
                }

                @Override
                public void error(Stanza s, Jid from, Jid to, StanzaError error) {
                    out.add(new Out(node, new Stanza(s.kind(), s.label() + "!" + error.condition().xml(), from, to, s.id(), "error")));
                }

                @Override
                public void presence(Jid from, Jid to, String type) {
                    out.add(new Out(node, new Stanza("presence", "presence", from, to, null, type)));
                }

                @Override
                public void result(Stanza request, Jid from, Jid to, Payload payload) {
                    out.add(new Out(node, new Stanza("iq", request.label() + "!local", from, to, request.id(), "result")));
                }

                @Override
                public void ping(Jid from, Jid to, String id) {
                    out.add(new Out(node, new Stanza("iq", "ping", from, to, id, "get")));
                }

                @Override
                public Payload childOf(Stanza stanza) {
                    return null;
                }
            };
            ProxyCore<Stanza> core = new ProxyCore<>(settings, COMPONENT, outbox, Balancer.RANDOM, clock::get,
                    ProxyCore.DEFAULT_SHARDS);
            core.joinCluster(node, new ClusterLink<>() {
                @Override
                public Collection<String> otherNodes() {
                    List<String> others = new ArrayList<>(connected);
                    others.remove(node);
                    return connected.contains(node) ? others : List.of();
                }

                @Override
                public void send(String to, TargetEvent event) {
                    messages++;
                    wire.add(() -> {
                        if (connected.contains(to)) {
                            cores.get(to).onClusterEvent(node, event);
                        }
                    });
                }

                @Override
                public void handOver(String to, Stanza stanza) {
                    messages++;
                    wire.add(() -> {
                        if (connected.contains(to)) {
                            ProxyCore<Stanza> there = cores.get(to);
                            there.handedOver(() -> receive(there, stanza));
                        }
                    });
                }
            });
            cores.put(node, core);
            return core;
        }

        /** Brings {@code node} into the cluster: every node already there tells it what it knows, and it them. */
        void connect(String node) {
            for (String other : connected) {
                cores.get(other).nodeConnected(node);
                cores.get(node).nodeConnected(other);
            }
            connected.add(node);
            pump();
        }

        /** {@code node} leaves (crashes): the others settle what depended on it. */
        void disconnect(String node) {
            connected.remove(node);
            wire.clear();
            for (String other : connected) {
                cores.get(other).nodeDisconnected(node);
            }
            pump();
        }

        void pump() {
            Runnable r;
            while ((r = wire.poll()) != null) {
                r.run();
            }
        }

        /** A stanza enters the component at {@code node}. */
        void receive(String node, Stanza s) {
            receive(cores.get(node), s);
            pump();
        }

        static void receive(ProxyCore<Stanza> core, Stanza s) {
            switch (s.kind()) {
                case "iq" -> core.onIq(s, new Iq(s.from(), s.to(), s.id(), s.type(),
                        s.type().equals("get") || s.type().equals("set") ? 1 : 0, null, s.condition()));
                case "message" -> core.onMessage(s, s.from(), s.to(), s.type());
                case "presence" -> core.onPresence(s, s.from(), s.to(), s.type(), 0);
                default -> throw new IllegalArgumentException(s.kind());
            }
        }

        /** The target's resource {@code r}, whose session is on {@code node}, comes online (its presence reaches that node). */
        void online(String node, String r) {
            receive(node, new Stanza("presence", "p", TARGET.withResource(r), COMPONENT, null, null));
        }

        void offline(String node, String r) {
            receive(node, new Stanza("presence", "p", TARGET.withResource(r), COMPONENT, null, "unavailable"));
        }

        List<Out> take() {
            List<Out> copy = new ArrayList<>(out);
            out.clear();
            return copy;
        }

        Out one() {
            List<Out> all = take();
            assertEquals(1, all.size(), () -> "exactly one stanza out: " + all);
            return all.get(0);
        }
    }

    static Stanza get(String label, Jid from, String id) {
        return new Stanza("iq", label, from, COMPONENT, id, "get");
    }

    static Stanza set(String label, Jid from, String id) {
        return new Stanza("iq", label, from, COMPONENT, id, "set");
    }

    /** The target's resource answers what it received (a forwarded request) with a result. */
    static Stanza answer(Out forwarded, String label) {
        Stanza f = forwarded.stanza();
        return new Stanza("iq", label, f.to(), f.from(), f.id(), "result");
    }

    static Cluster cluster(String... nodes) {
        Cluster c = new Cluster();
        ProxySettings settings = ProxySettings.builder().target(TARGET).requestTimeout(Duration.ofSeconds(5)).build();
        for (String n : nodes) {
            c.add(n, settings);
        }
        for (String n : nodes) {
            c.connect(n);
        }
        return c;
    }

    static final Jid ALICE = Jid.parse("alice@example.com/phone");
    static final Jid BOB = Jid.parse("bob@example.com/desk");

    @Test
    void everyNodeKnowsEveryResourceAndWhereItIs() {
        Cluster c = cluster("node1", "node2", "node3");
        c.online("node2", "a");
        c.online("node3", "b");
        c.take();
        for (String n : List.of("node1", "node2", "node3")) {
            ProxyCore<Stanza> core = c.cores.get(n);
            assertEquals(2, core.resources().size(), n);
            for (TargetResource r : core.resources().snapshot()) {
                String expected = r.jid().resource().equals("a") ? "node2" : "node3";
                assertEquals(n.equals(expected) ? null : expected, r.node(), n + " knows where " + r.jid() + " is");
            }
        }
        c.offline("node2", "a");
        for (ProxyCore<Stanza> core : c.cores.values()) {
            assertEquals(1, core.resources().size());
        }
    }

    /** Alice on node1, the bot's resource on node2: node1 forwards, the answer lands on node2 and is handed to node1. */
    @Test
    void aRequestEnteringOneNodeIsAnsweredThroughTheNodeOfTheResource() {
        Cluster c = cluster("node1", "node2", "node3");
        c.online("node2", "a");
        c.take();
        c.receive("node1", get("q", ALICE, "7"));
        Out fwd = c.one();
        assertEquals("node1", fwd.node(), "the node where the request entered forwards it");
        assertEquals(TARGET.withResource("a"), fwd.stanza().to());
        int before = c.messages;
        c.receive("node2", answer(fwd, "r"));
        Out back = c.one();
        assertEquals("node1", back.node(), "delivered by the node that holds the request");
        assertEquals("r", back.stanza().label());
        assertEquals(ALICE, back.stanza().to());
        assertEquals("7", back.stanza().id(), "the sender's own id");
        assertEquals(1, c.messages - before, "one cluster message: the token names its node");
        assertEquals(1, c.cores.get("node2").counters().get(Counter.HANDED_OVER));
        assertEquals(0, c.cores.get("node3").counters().get(Counter.CLUSTER_EVENTS) - 1,
                "node3 got the resource, nothing else");
    }

    @Test
    void aBounceOnTheResourcesNodeMovesTheGetHeldOnTheSendersNode() {
        Cluster c = cluster("node1", "node2", "node3");
        c.online("node2", "a");
        c.online("node3", "b");
        c.take();
        Out fwd = null;
        for (int i = 0; fwd == null || !fwd.stanza().to().resource().equals("a"); i++) {
            c.receive("node1", get("q" + i, ALICE, "id" + i));
            fwd = c.one();
            if (!fwd.stanza().to().resource().equals("a")) {
                c.receive("node3", answer(fwd, "r" + i));
                c.take();
            }
        }
        Stanza f = fwd.stanza();
        c.receive("node2", new Stanza("iq", "bounce", f.to(), f.from(), f.id(), "error", "recipient-unavailable"));
        Out moved = c.one();
        assertEquals("node1", moved.node());
        assertEquals(TARGET.withResource("b"), moved.stanza().to());
        c.receive("node3", answer(moved, "from-b"));
        assertEquals("from-b", c.one().stanza().label());
    }

    /** node2 crashes with a get and a set pending at its resource: the get moves, the set is answered. */
    @Test
    void whenANodeLeavesItsResourcesGoAndTheirRequestsAreSettled() {
        Cluster c = cluster("node1", "node2", "node3");
        c.online("node2", "a");
        c.take();
        c.receive("node1", get("g", ALICE, "g1"));
        c.receive("node1", set("s", ALICE, "s1"));
        assertEquals(2, c.take().size());
        c.online("node3", "b");
        c.take();
        c.disconnect("node2");
        List<Out> out = c.take();
        assertEquals(2, out.size(), out.toString());
        Out moved = out.stream().filter(o -> o.stanza().label().equals("g")).findFirst().orElseThrow();
        assertEquals(TARGET.withResource("b"), moved.stanza().to());
        Out failed = out.stream().filter(o -> o.stanza().label().startsWith("s!")).findFirst().orElseThrow();
        assertEquals("s!recipient-unavailable", failed.stanza().label());
        assertEquals(ALICE, failed.stanza().to());
        for (String n : List.of("node1", "node3")) {
            assertEquals(1, c.cores.get(n).resources().size(), n + " forgot node2's resource");
        }
        c.receive("node3", answer(moved, "r"));
        assertEquals(ALICE, c.one().stanza().to());
    }

    /** A node that joins later learns the resources and the subscription from the node that saw them. */
    @Test
    void aNodeThatJoinsLaterLearnsWhatTheOthersKnow() {
        Cluster c = cluster("node1", "node2");
        c.receive("node2", new Stanza("presence", "p", TARGET, COMPONENT, null, "subscribed"));
        c.online("node2", "a");
        c.take();
        ProxySettings settings = ProxySettings.builder().target(TARGET).build();
        ProxyCore<Stanza> late = c.add("node3", settings);
        c.connect("node3");
        assertEquals(SubscriptionState.SUBSCRIBED, late.subscriptionState());
        assertEquals(1, late.resources().size());
        assertEquals("node2", late.resources().snapshot()[0].node());
        c.receive("node3", get("q", BOB, "1"));
        Out fwd = c.one();
        assertEquals("node3", fwd.node());
        c.receive("node2", answer(fwd, "r"));
        assertEquals(BOB, c.one().stanza().to());
    }

    /** Alone, a node sends nothing over the cluster, whatever it does. */
    @Test
    void aSingleNodeSendsNothingOverTheCluster() {
        Cluster c = cluster("node1");
        c.online("node1", "a");
        for (int i = 0; i < 10; i++) {
            c.take();
            c.receive("node1", get("q", ALICE, "i" + i));
            Out fwd = c.one();
            c.receive("node1", answer(fwd, "r"));
            c.receive("node1", answer(fwd, "duplicate"));
        }
        c.offline("node1", "a");
        assertEquals(0, c.messages);
        assertEquals(10, c.cores.get("node1").counters().get(DropReason.NOT_PENDING));
    }

    /**
     * Churn across nodes: senders on every node, resources coming and going on every node, answers
     * landing wherever the resource is. Every request gets exactly one answer.
     */
    @Test
    void churnAcrossNodesGivesEveryRequestExactlyOneAnswer() {
        Cluster c = cluster("node1", "node2", "node3");
        String[] nodes = {"node1", "node2", "node3"};
        Random random = new Random(42);
        Map<String, String> sessionNode = new HashMap<>();   // resource -> node of its session
        for (int r = 0; r < 4; r++) {
            sessionNode.put("r" + r, nodes[r % 3]);
            c.online(nodes[r % 3], "r" + r);
        }
        c.take();
        Map<String, Integer> answers = new HashMap<>();       // "<sender>#<id>" -> answers
        List<Out> atResources = new ArrayList<>();
        int requests = 0;
        for (int step = 0; step < 3000; step++) {
            int what = random.nextInt(10);
            if (what < 5) {
                String node = nodes[random.nextInt(3)];
                Jid sender = Jid.parse("user" + node + "-" + random.nextInt(5) + "@example.com/r");
                String id = "q" + requests++;
                c.receive(node, random.nextBoolean() ? get("g", sender, id) : set("s", sender, id));
                answers.put(sender + "#" + id, 0);
            } else if (what < 8 && !atResources.isEmpty()) {
                Out fwd = atResources.remove(random.nextInt(atResources.size()));
                String r = fwd.stanza().to().resource();
                String node = sessionNode.get(r);
                if (node != null) {
                    c.receive(node, answer(fwd, "answer"));
                }
            } else {
                String r = "r" + random.nextInt(4);
                if (sessionNode.containsKey(r)) {
                    c.offline(sessionNode.remove(r), r);
                } else {
                    String node = nodes[random.nextInt(3)];
                    sessionNode.put(r, node);
                    c.online(node, r);
                }
            }
            for (Out o : c.take()) {
                if (o.stanza().to().hasBare(TARGET.bare())) {
                    atResources.add(o);
                } else if (!o.stanza().kind().equals("presence")) {
                    answers.merge(o.stanza().to() + "#" + o.stanza().id(), 1, Integer::sum);
                }
            }
        }
        // Whatever is left times out.
        c.clock.addAndGet(10_000);
        c.cores.values().forEach(ProxyCore::tick);
        for (Out o : c.take()) {
            if (!o.stanza().to().hasBare(TARGET.bare()) && !o.stanza().kind().equals("presence")) {
                answers.merge(o.stanza().to() + "#" + o.stanza().id(), 1, Integer::sum);
            }
        }
        long none = answers.values().stream().filter(v -> v == 0).count();
        long twice = answers.values().stream().filter(v -> v > 1).count();
        assertEquals(0, none, "requests without an answer");
        assertEquals(0, twice, "requests with more than one answer");
        assertTrue(requests > 1000, "enough requests: " + requests);
        long handedOver = c.cores.values().stream().mapToLong(k -> k.counters().get(Counter.HANDED_OVER)).sum();
        assertTrue(handedOver > 100, "answers crossed nodes: " + handedOver);
        assertNotNull(c.cores.get("node1"));
    }

    // ------------------------------------------------------------------ resource health

    /** Sends gets from {@code node} until one goes to resource {@code r}; answers the others. */
    private static Out getTo(Cluster c, String node, String r, String answeringNode) {
        for (int i = 0; i < 40; i++) {
            c.receive(node, get("h" + i, ALICE, "h" + i));
            Out fwd = c.one();
            if (fwd.stanza().to().resource().equals(r)) {
                return fwd;
            }
            c.receive(answeringNode, answer(fwd, "r" + i));
            c.take();
        }
        throw new AssertionError("no get went to " + r);
    }

    private static Liveness.State stateOn(Cluster c, String node, String r) {
        for (TargetResource t : c.cores.get(node).resources().snapshot()) {
            if (t.jid().resource().equals(r)) {
                return t.liveness().state();
            }
        }
        throw new AssertionError(r + " not online on " + node);
    }

    private static void tickAll(Cluster c) {
        for (ProxyCore<Stanza> core : c.cores.values()) {
            core.tick();
        }
        c.pump();
    }

    /**
     * node2 freezes (its resource a answers nothing, the cluster keeps it): node1, whose request
     * a holds, pings a itself and takes it out of rotation within the bound (floor 625 ms and
     * ping deadline 625 ms with this request-timeout of 5 s), moving the get to b; node3, which
     * sent a nothing, has no evidence and decides nothing. Nothing crosses the cluster for it.
     */
    @Test
    void aResourceBehindAFrozenNodeIsTakenOutOfRotationByEachNodeThatSendsItRequests() {
        Cluster c = cluster("node1", "node2", "node3");
        c.online("node2", "a");
        c.online("node3", "b");
        c.take();
        getTo(c, "node1", "a", "node3");
        int before = c.messages;
        c.clock.addAndGet(625);
        tickAll(c);
        Out ping = c.one();
        assertEquals("node1", ping.node());
        assertEquals("ping", ping.stanza().label());
        assertEquals(TARGET.withResource("a"), ping.stanza().to());
        c.clock.addAndGet(625);
        tickAll(c);
        assertEquals(Liveness.State.OUT_OF_ROTATION, stateOn(c, "node1", "a"));
        Out moved = c.one();
        assertEquals("node1", moved.node());
        assertEquals(TARGET.withResource("b"), moved.stanza().to());
        assertEquals(Liveness.State.SERVING, stateOn(c, "node3", "a"), "node3 has no evidence of its own");
        assertEquals(before, c.messages, "each node decides alone: nothing crosses the cluster");
        // node3 finds out the same way, within the same bound, once it sends a a request.
        getTo(c, "node3", "a", "node3");
        c.clock.addAndGet(625);
        tickAll(c);
        c.take();
        c.clock.addAndGet(625);
        tickAll(c);
        assertEquals(Liveness.State.OUT_OF_ROTATION, stateOn(c, "node3", "a"));
    }

    /** The answer to node1's ping reaches the instance on the resource's node, which hands it to node1. */
    @Test
    void theAnswerToAPingComesBackToTheNodeThatSentIt() {
        Cluster c = cluster("node1", "node2");
        c.online("node2", "a");
        c.take();
        getTo(c, "node1", "a", "node2");
        c.clock.addAndGet(625);
        tickAll(c);
        Stanza ping = c.one().stanza();
        assertEquals(Liveness.State.SUSPECTED, stateOn(c, "node1", "a"));
        c.receive("node2", new Stanza("iq", "pong", ping.to(), ping.from(), ping.id(), "result"));
        assertEquals(Liveness.State.SERVING, stateOn(c, "node1", "a"));
        assertEquals(1, c.cores.get("node2").counters().get(Counter.HANDED_OVER));
        c.clock.addAndGet(625);
        tickAll(c);
        // Still holding the get a suspicion time later: pinged again, and the get stays with it.
        List<Out> out = c.take();
        assertEquals(1, out.size(), out.toString());
        assertEquals("ping", out.get(0).stanza().label());
    }

    /**
     * A node restarts while no target resource is online: nothing answers its {@code subscribe}
     * (Tigase holds it for the offline account), and what the other node sent when the link came up
     * arrived before the new instance existed. The new instance asks, learns that the subscription
     * is approved, and does not ask the target again.
     */
    @Test
    void aRestartedNodeAsksTheOthersForTheSubscription() {
        Cluster c = cluster("node1", "node2");
        c.receive("node1", new Stanza("presence", "p", TARGET, COMPONENT, null, "subscribed"));
        c.take();
        c.disconnect("node2");
        c.cores.get("node1").nodeConnected("node2");
        c.wire.clear(); // reached node2 before its new instance was there

        ProxySettings settings = ProxySettings.builder().target(TARGET).build();
        ProxyCore<Stanza> restarted = c.add("node2", settings);
        restarted.start();
        assertEquals("subscribe", c.one().stanza().type());
        c.connected.add("node2");
        restarted.nodeConnected("node1");
        c.pump();

        assertEquals(SubscriptionState.SUBSCRIBED, restarted.subscriptionState());
        c.clock.addAndGet(settings.resubscribeMax().toMillis() * 2);
        restarted.tick();
        assertEquals(List.of(), c.take(), "no second subscribe");
    }
}
