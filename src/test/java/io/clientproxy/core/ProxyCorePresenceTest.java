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
            f.advance(Duration.ofSeconds(wait - 1));
            f.core.tick();
            assertTrue(f.out.take().isEmpty(), "not before " + wait + " s");
            f.advance(Duration.ofSeconds(1));
            f.core.tick();
            assertEquals("subscribe", f.out.one().presenceType());
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

    @Test
    void presenceFromOthersIsNotTrackedAndSubscriptionsAreDenied() {
        CoreFixture f = new CoreFixture();
        f.core.onPresence("p", ALICE, COMPONENT, null, 0);
        f.core.onPresence("p", ALICE, COMPONENT, "unavailable", 0);
        f.core.onPresence("p", ALICE, COMPONENT, "probe", 0);
        f.core.onPresence("p", ALICE, COMPONENT, "error", 0);
        assertTrue(f.out.take().isEmpty());
        assertEquals(0, f.core.resources().size());
        f.core.onPresence("p", ALICE, COMPONENT.withResource("x"), "subscribe", 0);
        Sent deny = f.out.one();
        assertEquals("unsubscribed", deny.presenceType());
        assertEquals(ALICE.asBare(), deny.to());
        assertEquals(COMPONENT, deny.from());
        assertEquals(3, f.core.counters().get(DropReason.PRESENCE_IGNORED));
        assertEquals(1, f.core.counters().get(DropReason.ERROR_STANZA));
    }
}
