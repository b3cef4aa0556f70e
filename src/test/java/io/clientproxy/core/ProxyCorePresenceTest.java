package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.TARGET;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The subscription to the target and the tracking of its resources. */
class ProxyCorePresenceTest {

    /** Nothing goes out until {@code seconds} have passed, then one presence of {@code type}. */
    private static void assertSentAfter(CoreFixture f, long seconds, String type) {
        f.advance(Duration.ofSeconds(seconds - 1));
        f.core.tick();
        assertTrue(f.out.take().isEmpty(), "not before " + seconds + " s");
        f.advance(Duration.ofSeconds(1));
        f.core.tick();
        assertEquals(type, f.out.one().presenceType(), "after " + seconds + " s");
    }

    @Test
    void startSubscribesAndProbesOnlyAfterSubscribed() {
        CoreFixture f = new CoreFixture();
        f.core.start();
        Sent sub = f.out.one();
        assertEquals(Kind.PRESENCE, sub.kind());
        assertEquals("subscribe", sub.presenceType());
        assertEquals(COMPONENT, sub.from());
        assertEquals(TARGET, sub.to());
        f.core.tick();
        assertTrue(f.out.take().isEmpty(), "no probe before subscribed");
        f.core.onPresence("p", TARGET, COMPONENT, "subscribed", 0);
        Sent probe = f.out.one();
        assertEquals("probe", probe.presenceType());
        assertEquals(TARGET, probe.to());
        assertTrue(f.core.isSubscribed());
        f.core.start();
        assertTrue(!f.core.isSubscribed(), "a new start (reconnect) waits for a new answer");
    }

    @Test
    void availableUnavailableAndPriorityAreTracked() {
        CoreFixture f = new CoreFixture();
        f.online("a", 5).online("b", -1);
        assertEquals(2, f.core.resources().size());
        f.online("a", 7);
        assertEquals(2, f.core.resources().size(), "a status change is not a new resource");
        assertEquals(7, f.core.resources().snapshot()[0].priority());
        f.offline("a");
        assertEquals(1, f.core.resources().size());
        assertEquals(res("b"), f.core.resources().snapshot()[0].jid());
        assertTrue(f.out.take().isEmpty());
    }

    @Test
    void targetSubscribeIsApprovedAndProbeAnswered() {
        CoreFixture f = new CoreFixture();
        f.core.onPresence("p", TARGET, COMPONENT, "subscribe", 0);
        Sent ok = f.out.one();
        assertEquals("subscribed", ok.presenceType());
        assertEquals(TARGET, ok.to());
        f.core.onPresence("p", res("a"), COMPONENT, "probe", 0);
        Sent avail = f.out.one();
        assertEquals(null, avail.presenceType());
        assertEquals(res("a"), avail.to());
    }

    @Test
    void denialForgetsResourcesAndAsksAgainWithCappedBackoff() {
        CoreFixture f = new CoreFixture(b -> b.resubscribeMin(Duration.ofSeconds(10)).resubscribeMax(Duration.ofSeconds(35)));
        f.core.start();
        f.out.take();
        f.online("a");
        f.get("q", ALICE, "1");
        f.core.onPresence("p", TARGET, COMPONENT, "unsubscribed", 0);
        List<Sent> out = f.out.take();
        assertEquals(1, out.size(), "the pending request is settled: " + out);
        assertEquals(Condition.RECIPIENT_UNAVAILABLE, out.get(0).error().condition());
        assertEquals(0, f.core.resources().size());
        long[] expectedWaits = {10, 20, 35, 35};
        for (long wait : expectedWaits) {
            assertSentAfter(f, wait, "subscribe");
            f.core.onPresence("p", TARGET, COMPONENT, "unsubscribed", 0);
        }
        f.advance(Duration.ofSeconds(35));
        f.core.tick();
        assertEquals("subscribe", f.out.one().presenceType());
        f.core.onPresence("p", TARGET, COMPONENT, "subscribed", 0);
        assertEquals("probe", f.out.one().presenceType());
        f.core.onPresence("p", TARGET, COMPONENT, "unsubscribed", 0);
        f.advance(Duration.ofSeconds(10));
        f.core.tick();
        assertEquals("subscribe", f.out.one().presenceType(), "a confirmation resets the backoff");
    }

    /** The server's bounce of the proxy's own presence says nothing about the resources: they stay; the subscription heals. */
    @Test
    void errorPresenceFromTheBareTargetKeepsResourcesAndAsksAgainWithBackoff() {
        CoreFixture f = new CoreFixture(b -> b.resubscribeMin(Duration.ofSeconds(5)).resubscribeMax(Duration.ofSeconds(60)));
        f.core.start();
        f.core.onPresence("ok", TARGET, COMPONENT, "subscribed", 0);
        f.online("a", "b");
        f.out.take();
        Sent fwd = f.get("q", ALICE, "1");
        f.core.onPresence("err", TARGET, COMPONENT, "error", 0);
        assertTrue(f.out.take().isEmpty(), "nothing settled, nothing answered");
        assertEquals(2, f.core.resources().size());
        assertEquals(SubscriptionState.BOUNCING, f.core.subscriptionState());
        assertEquals(1, f.core.counters().get(Counter.SUBSCRIPTION_BOUNCES));
        f.answer("r", fwd);
        assertEquals(ALICE, f.out.one().to(), "requests go on meanwhile");
        f.advance(Duration.ofSeconds(4));
        f.core.tick();
        assertTrue(f.out.take().isEmpty());
        f.advance(Duration.ofSeconds(1));
        f.core.tick();
        assertEquals("subscribe", f.out.one().presenceType());
        // That one is lost too: asked again after the doubled wait.
        f.advance(Duration.ofSeconds(9));
        f.core.tick();
        assertTrue(f.out.take().isEmpty());
        f.advance(Duration.ofSeconds(1));
        f.core.tick();
        assertEquals("subscribe", f.out.one().presenceType());
        f.core.onPresence("ok", TARGET, COMPONENT, "subscribed", 0);
        assertEquals("probe", f.out.one().presenceType());
        assertEquals(SubscriptionState.SUBSCRIBED, f.core.subscriptionState());
    }

    /** A first subscribe that never gets an answer (lost, or the account not created yet) is sent again. */
    @Test
    void anUnansweredSubscribeIsSentAgainAndRequestsSayWhy() {
        CoreFixture f = new CoreFixture(b -> b.resubscribeMin(Duration.ofSeconds(5)).resubscribeMax(Duration.ofSeconds(12)));
        assertEquals(SubscriptionState.NEVER_ASKED, f.core.subscriptionState());
        f.core.start();
        assertEquals("subscribe", f.out.one().presenceType());
        assertEquals(SubscriptionState.PENDING, f.core.subscriptionState());
        f.request("q", ALICE, COMPONENT, "1", "get");
        Sent err = f.out.one();
        assertEquals(Condition.SERVICE_UNAVAILABLE, err.error().condition());
        assertTrue(err.error().text().contains("has not approved"), err.error().text());
        long[] waits = {5, 10, 12, 12};
        for (long wait : waits) {
            assertSentAfter(f, wait, "subscribe");
        }
        f.core.onPresence("ok", TARGET, COMPONENT, "subscribed", 0);
        assertEquals("probe", f.out.one().presenceType());
        f.request("q", ALICE, COMPONENT, "2", "get");
        assertEquals(TargetPresence.NO_RESOURCE, f.out.one().error(), "subscribed: no resource is online, nothing else to say");
    }

    /** A probe while no resource is online gets no answer; the proxy probes again, less and less often, until a presence comes. */
    @Test
    void anUnansweredProbeIsRepeatedUntilAPresenceComes() {
        CoreFixture f = new CoreFixture(b -> b.resubscribeMin(Duration.ofSeconds(5)).resubscribeMax(Duration.ofSeconds(60)));
        f.core.start();
        f.core.onPresence("ok", TARGET, COMPONENT, "subscribed", 0);
        f.out.take();
        long[] waits = {5, 10, 20};
        for (long wait : waits) {
            assertSentAfter(f, wait, "probe");
        }
        f.online("a");
        f.advance(Duration.ofSeconds(600));
        f.core.tick();
        assertTrue(f.out.take().isEmpty(), "a presence came: no more probes");
        assertEquals(0, f.core.counters().get(Counter.SUBSCRIBES_SENT) - 1);
    }

    /** The likeliest mistake (the bot never approved) is one WARNING line, not silence and not a flood. */
    @Test
    void anUnapprovedSubscriptionIsReportedOnceAtWarning() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ProxyCore.class.getName());
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            CoreFixture f = new CoreFixture(b -> b.resubscribeMin(Duration.ofSeconds(5)).resubscribeMax(Duration.ofSeconds(5)));
            f.core.start();
            for (int i = 0; i < 5; i++) {
                f.advance(Duration.ofSeconds(5));
                f.core.tick();
            }
            List<java.util.logging.LogRecord> warnings = records.stream()
                    .filter(r -> r.getLevel() == java.util.logging.Level.WARNING).toList();
            assertEquals(1, warnings.size(), records.stream().map(java.util.logging.LogRecord::getMessage).toList().toString());
            assertTrue(warnings.get(0).getMessage().contains("must approve") || warnings.get(0).getMessage().contains("approves"),
                    warnings.get(0).getMessage());
            assertTrue(warnings.get(0).getMessage().contains(COMPONENT.toString()), warnings.get(0).getMessage());
        } finally {
            logger.removeHandler(handler);
        }
    }
}
