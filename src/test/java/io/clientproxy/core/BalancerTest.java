package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Sent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each balancing policy, through the core: the distribution it promises, on the wire. */
class BalancerTest {
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_ID = new java.util.concurrent.atomic.AtomicInteger();

    private static CoreFixture with(Balancer.Policy policy) {
        return new CoreFixture(b -> b.balancer(policy).maxPendingPerSender(100_000), policy.create(), 16);
    }

    private static Jid sender(int i) {
        return Jid.parse("user" + i + "@example.com/r" + i);
    }

    /** Sends n gets from n different senders (or one sender) and counts where they went. */
    private static Map<String, Integer> spread(CoreFixture f, int n, boolean answer) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String id = "id" + NEXT_ID.incrementAndGet();
            Sent fwd = f.get("q", sender(i), id);
            assertEquals(RecordingOutbox.Kind.FORWARD, fwd.kind(), fwd.toString());
            count.merge(fwd.to().resource(), 1, Integer::sum);
            if (answer) {
                f.answer("r", fwd);
                f.out.take();
            }
        }
        return count;
    }

    @Test
    void randomUsesEveryResourceAboutEqually() {
        Map<String, Integer> c = spread(with(Balancer.Policy.RANDOM).online("a", "b", "c"), 3000, true);
        for (String r : List.of("a", "b", "c")) {
            int n = c.getOrDefault(r, 0);
            assertTrue(n > 850 && n < 1150, "random share of " + r + ": " + c);
        }
    }

    @Test
    void roundRobinTakesTurnsExactly() {
        CoreFixture f = with(Balancer.Policy.ROUND_ROBIN).online("a", "b", "c");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(f.get("q", sender(i), "1").to().resource());
        }
        assertEquals(order.subList(0, 3), order.subList(3, 6));
        assertEquals(3, new java.util.HashSet<>(order.subList(0, 3)).size(), order.toString());
    }

    @Test
    void leastPendingFillsTheIdleResourceFirst() {
        CoreFixture f = with(Balancer.Policy.LEAST_PENDING).online("a");
        for (int i = 0; i < 5; i++) {
            f.get("q", sender(i), "1");
        }
        f.online("b");
        Map<String, Integer> next = spread(f, 5, false);
        assertEquals(Map.of("b", 5), next, "b had nothing in flight, a had 5");
        Map<String, Integer> balanced = spread(f, 10, false);
        assertEquals(Map.of("a", 5, "b", 5), balanced, "then they alternate");
        assertEquals(10, f.core.resources().snapshot()[0].inFlight());
        assertEquals(10, f.core.resources().snapshot()[1].inFlight());
    }

    @Test
    void priorityPrefersTheHighestAndAvoidsNegativeUnlessAlone() {
        CoreFixture f = with(Balancer.Policy.PRIORITY).online("low", 1).online("high1", 10).online("high2", 10).online("neg", -1);
        Map<String, Integer> c = spread(f, 400, true);
        assertEquals(2, c.size(), "only the highest priority: " + c);
        assertTrue(c.get("high1") > 140 && c.get("high2") > 140, c.toString());
        f.offline("high1");
        f.offline("high2");
        assertEquals(Map.of("low", 50), spread(f, 50, true));
        f.offline("low");
        assertEquals(Map.of("neg", 50), spread(f, 50, true), "negative priority only when nothing else is online");
        f.online("low", 1);
        assertEquals(Map.of("low", 50), spread(f, 50, true));
        f.online("neg", 20);
        assertEquals(Map.of("neg", 50), spread(f, 50, true), "a priority change counts at once");
    }

    @Test
    void stickyKeepsSendersAndMovesOnlyTheLeavingResourcesSenders() {
        CoreFixture f = with(Balancer.Policy.STICKY).online("a", "b", "c", "d");
        int senders = 2000;
        Map<Integer, String> before = new HashMap<>();
        for (int i = 0; i < senders; i++) {
            Sent fwd = f.get("q", sender(i), "1");
            before.put(i, fwd.to().resource());
            f.answer("r", fwd);
            f.out.take();
        }
        Map<String, Integer> share = new HashMap<>();
        before.values().forEach(r -> share.merge(r, 1, Integer::sum));
        for (int n : share.values()) {
            assertTrue(n > 400 && n < 600, "even spread over 4: " + share);
        }
        for (int i = 0; i < senders; i++) {
            Sent again = f.get("q", sender(i), "2");
            assertEquals(before.get(i), again.to().resource(), "same sender, same resource");
            f.answer("r", again);
            f.out.take();
        }
        f.offline("b");
        Map<String, Integer> movedTo = new HashMap<>();
        for (int i = 0; i < senders; i++) {
            Sent after = f.get("q", sender(i), "3");
            String was = before.get(i);
            if (was.equals("b")) {
                movedTo.merge(after.to().resource(), 1, Integer::sum);
            } else {
                assertEquals(was, after.to().resource(), "senders of the other resources stay");
            }
            f.answer("r", after);
            f.out.take();
        }
        assertEquals(3, movedTo.size(), "b's senders spread over the other three: " + movedTo);
        f.online("b");
        for (int i = 0; i < senders; i++) {
            Sent back = f.get("q", sender(i), "4");
            assertEquals(before.get(i), back.to().resource(), "b's senders return to b, nobody else moves");
            f.answer("r", back);
            f.out.take();
        }
    }

    @Test
    void policiesParseFromTheirConfigNames() {
        for (Balancer.Policy p : Balancer.Policy.values()) {
            assertEquals(p, ProxySettings.parseBalancer(p.configName()));
        }
        assertEquals(ProxySettings.BALANCER, org.junit.jupiter.api.Assertions.assertThrows(
                InvalidSettingException.class, () -> ProxySettings.parseBalancer("fastest")).key());
        assertEquals(res("x").bare(), CoreFixture.TARGET.bare());
    }
}
