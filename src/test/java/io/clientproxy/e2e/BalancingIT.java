package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.answer;
import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.awaitResources;
import static io.clientproxy.e2e.FeatureFixture.get;
import static io.clientproxy.e2e.FeatureFixture.reply;
import static io.clientproxy.e2e.FeatureFixture.resourceOf;
import static io.clientproxy.e2e.FeatureFixture.seenFrom;
import static io.clientproxy.e2e.FeatureFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.DropReason;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code balancer} policies (README "Balancing") on the wire: the target {@code bot} has three
 * resources a, b, c; six senders ({@code alice/s1..s6}) ask {@code proxy.localhost}; each answer
 * names the resource that produced it, and the tests count them.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class BalancingIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";
    static final Set<String> ALL = Set.of("a", "b", "c");

    static final Map<String, FeatureBot> bots = new TreeMap<>();
    static final List<XMPPTCPConnection> senders = new ArrayList<>();
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
        for (String r : ALL) {
            FeatureBot bot = FeatureFixture.bot("bot", r, 0);
            bots.put(r, bot);
            closeables.add(bot);
        }
        for (int i = 1; i <= 6; i++) {
            XMPPTCPConnection s = FeatureFixture.user("alice", "s" + i);
            senders.add(s);
            closeables.add(s);
        }
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @AfterEach
    void stopProxy() {
        FeatureFixture.closeProxies();
    }

    private static StandaloneProxy start(String balancer) throws InterruptedException {
        return FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET).set("balancer", balancer), 3);
    }

    /** One request; the resource that answered it (the answer came from proxy.localhost, via a token). */
    private static String askResource(XMPPTCPConnection sender, String text) throws Exception {
        FeatureIq answer = ask(sender, COMPONENT, text);
        assertTrue(seenFrom(answer).startsWith(COMPONENT + "/"), answer.text());
        return resourceOf(answer);
    }

    /** {@code n} requests one after another, the senders taking turns; the resources that answered, in order. */
    private static List<String> sequence(int n, String text) throws Exception {
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seq.add(askResource(senders.get(i % senders.size()), text + i));
        }
        return seq;
    }

    private static Map<String, Integer> counts(List<String> seq) {
        Map<String, Integer> c = new TreeMap<>();
        for (String r : ALL) {
            c.put(r, 0);
        }
        seq.forEach(r -> c.merge(r, 1, Integer::sum));
        return c;
    }

    private static boolean rotates(List<String> seq, int period) {
        for (int i = period; i < seq.size(); i++) {
            if (!seq.get(i).equals(seq.get(i % period))) {
                return false;
            }
        }
        return true;
    }

    private static int heldTotal() {
        return bots.values().stream().mapToInt(FeatureBot::heldCount).sum();
    }

    @Test
    void roundRobinGivesEachResourceItsTurn() throws Exception {
        start("round-robin");
        List<String> seq = sequence(60, "rr");
        assertEquals(ALL, new HashSet<>(seq.subList(0, 3)), "the first three requests go to three resources: " + seq);
        assertTrue(rotates(seq, 3), "every resource in turn, always in the same order: " + seq);
        assertEquals(Map.of("a", 20, "b", 20, "c", 20), counts(seq));
    }

    @Test
    void randomSpreadsRoughlyEvenlyAndIgnoresTheSender() throws Exception {
        start("random");
        List<String> seq = sequence(90, "rnd");
        Map<String, Integer> counts = counts(seq);
        // Binomial(90, 1/3): mean 30, sd 4.5; [10, 50] is 4.5 sd either side.
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            assertTrue(e.getValue() >= 10 && e.getValue() <= 50, "roughly a third each: " + counts);
        }
        // Each sender asked 15 times: at random, it reaches more than one resource (1 in 10^7 otherwise).
        for (int s = 0; s < senders.size(); s++) {
            Set<String> reached = new HashSet<>();
            for (int i = s; i < seq.size(); i += senders.size()) {
                reached.add(seq.get(i));
            }
            assertTrue(reached.size() >= 2, "sender s" + (s + 1) + " is not pinned to one resource: " + seq);
        }
        assertFalse(rotates(seq, 3), "not a fixed rotation: " + seq);
    }

    @Test
    void leastPendingAvoidsAResourceThatHoldsRequestsUntilTheOthersCatchUp() throws Exception {
        StandaloneProxy proxy = start("least-pending");
        XMPPTCPConnection alice = senders.get(0);
        Map<String, StanzaCollector> holds = new LinkedHashMap<>();
        try {
            // Three held requests: each goes to a resource with nothing in flight, so one each.
            for (int i = 1; i <= 3; i++) {
                FeatureIq hold = get(COMPONENT, FeatureBot.HOLD);
                holds.put(hold.getStanzaId(), send(alice, hold));
                int n = i;
                await(() -> heldTotal() == n, () -> n + " held requests received");
            }
            for (FeatureBot bot : bots.values()) {
                assertEquals(1, bot.heldCount(), () -> "one held request per resource: " + bots);
            }

            // b and c finish theirs (alice gets both answers): a alone has a request in flight.
            for (String r : List.of("b", "c")) {
                FeatureBot bot = bots.get(r);
                String id = ProxyFixture.senderId(bot.requests.get(bot.requests.size() - 1).id());
                assertEquals(1, bot.releaseHeld());
                assertEquals(r, resourceOf(answer(reply(holds.remove(id)), COMPONENT)));
            }
            assertEquals(1, proxy.core().pendingCount(), proxy::summary);
            Map<String, Integer> whileAHolds = counts(sequence(30, "lp"));
            assertEquals(0, whileAHolds.get("a"), "nothing for the resource with a request in flight: " + whileAHolds);
            assertTrue(whileAHolds.get("b") > 0 && whileAHolds.get("c") > 0, "ties broken at random: " + whileAHolds);

            // b and c catch up: the next two held requests go to them, one each, none to a.
            for (int i = 1; i <= 2; i++) {
                FeatureIq hold = get(COMPONENT, FeatureBot.HOLD);
                holds.put(hold.getStanzaId(), send(alice, hold));
                int n = 1 + i;
                await(() -> heldTotal() == n, () -> n + " held requests received");
            }
            for (FeatureBot bot : bots.values()) {
                assertEquals(1, bot.heldCount(), () -> "level again, one each: " + bots);
            }
            Map<String, Integer> level = counts(sequence(45, "lv"));
            for (Map.Entry<String, Integer> e : level.entrySet()) {
                assertTrue(e.getValue() > 0, "with equal loads every resource gets requests: " + level);
            }

            // Once they finish, every held request has had its one answer.
            for (FeatureBot bot : bots.values()) {
                assertEquals(1, bot.releaseHeld());
            }
            for (StanzaCollector c : holds.values()) {
                answer(reply(c), COMPONENT);
            }
            assertEquals(0, proxy.core().pendingCount(), proxy::summary);
        } finally {
            for (FeatureBot bot : bots.values()) {
                bot.releaseHeld();
            }
            holds.values().forEach(StanzaCollector::cancel);
        }
    }

    @Test
    void priorityPrefersTheHighestAndANegativePriorityOnlyWhenAlone() throws Exception {
        StandaloneProxy proxy = start("priority");
        FeatureBot a = bots.get("a");
        FeatureBot b = bots.get("b");
        FeatureBot c = bots.get("c");
        try {
            a.available(10);
            b.available(5);
            c.available(-1);
            awaitResources(proxy, Map.of("a", 10, "b", 5, "c", -1));
            assertEquals(Map.of("a", 20, "b", 0, "c", 0), counts(sequence(20, "p1")), "only the highest priority");

            b.available(10);
            awaitResources(proxy, Map.of("a", 10, "b", 10, "c", -1));
            Map<String, Integer> tie = counts(sequence(30, "p2"));
            assertEquals(0, tie.get("c"), "nothing for a lower priority: " + tie);
            assertTrue(tie.get("a") > 0 && tie.get("b") > 0, "at random among equals: " + tie);

            a.unavailable();
            awaitResources(proxy, Map.of("b", 10, "c", -1));
            assertEquals(Map.of("a", 0, "b", 10, "c", 0), counts(sequence(10, "p3")),
                    "a negative priority gets nothing while another resource is online");

            b.unavailable();
            awaitResources(proxy, Map.of("c", -1));
            assertEquals(Map.of("a", 0, "b", 0, "c", 10), counts(sequence(10, "p4")),
                    "a negative priority resource answers when it is alone");
        } finally {
            a.available(0);
            b.available(0);
            c.available(0);
            awaitResources(proxy, Map.of("a", 0, "b", 0, "c", 0));
        }
    }

    @Test
    void stickyKeepsEachSenderOnOneResourceAndOnlyTheLeavingResourcesSendersMove() throws Exception {
        StandaloneProxy proxy = start("sticky");
        Map<XMPPTCPConnection, String> home = homes("st");
        Map<String, Integer> perResource = new TreeMap<>();
        home.values().forEach(r -> perResource.merge(r, 1, Integer::sum));
        assertTrue(perResource.size() >= 2, "six senders spread over more than one resource: " + perResource);

        // The resource with the most senders leaves (it is never all of them).
        String leaving = perResource.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        FeatureBot leavingBot = bots.get(leaving);
        XMPPTCPConnection mover = home.entrySet().stream().filter(e -> e.getValue().equals(leaving))
                .findFirst().orElseThrow().getKey();
        Set<String> remaining = new HashSet<>(ALL);
        remaining.remove(leaving);
        try {
            // A get of the mover pending at the leaving resource moves to the mover's next resource.
            long notPendingBefore = proxy.core().counters().get(DropReason.NOT_PENDING);
            FeatureIq held = get(COMPONENT, FeatureBot.HOLD_AT + leaving);
            StanzaCollector pending = send(mover, held);
            await(() -> leavingBot.heldCount() == 1, () -> "the request reached " + leaving);
            leavingBot.unavailable();
            await(() -> proxy.core().resources().size() == 2, proxy::summary);
            String movedTo = resourceOf(answer(reply(pending), COMPONENT));
            assertNotEquals(leaving, movedTo);

            Map<XMPPTCPConnection, String> during = homes("gone");
            for (XMPPTCPConnection s : senders) {
                if (home.get(s).equals(leaving)) {
                    assertTrue(remaining.contains(during.get(s)), "a sender of " + leaving + " moves: " + during.get(s));
                } else {
                    assertEquals(home.get(s), during.get(s), "a sender of another resource stays where it was");
                }
            }
            assertEquals(movedTo, during.get(mover), "the pending get went where the mover's requests go now");

            // The late answer of the resource that left is not delivered a second time.
            StanzaCollector duplicate = mover.createStanzaCollector(new StanzaIdFilter(held.getStanzaId()));
            assertEquals(1, leavingBot.releaseHeld());
            await(() -> proxy.core().counters().get(DropReason.NOT_PENDING) == notPendingBefore + 1,
                    () -> "late reply dropped as not-pending: " + proxy.statistics());
            assertNull(duplicate.pollResult(), "one answer per request");
            duplicate.cancel();

            leavingBot.available(0);
            await(() -> proxy.core().resources().size() == 3, proxy::summary);
            assertEquals(home, homes("back"), "when it comes back, its senders return and nobody else moves");
        } finally {
            leavingBot.available(0);
            await(() -> proxy.core().resources().size() == 3, proxy::summary);
        }
    }

    /** Each sender asks five times; all five go to one resource, which this returns per sender. */
    private static Map<XMPPTCPConnection, String> homes(String text) throws Exception {
        Map<XMPPTCPConnection, String> home = new LinkedHashMap<>();
        Map<String, List<String>> seen = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (XMPPTCPConnection s : senders) {
                String r = askResource(s, text + round);
                seen.computeIfAbsent(String.valueOf(s.getUser()), k -> new ArrayList<>()).add(r);
                String before = home.putIfAbsent(s, r);
                assertTrue(before == null || before.equals(r), () -> "a sender keeps its resource: " + seen);
            }
        }
        return home;
    }
}
