package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Behaviour 10 and the configured bounds: every bound on state is reached and holds. */
class ProxyCoreBoundsTest {

    @Test
    void maxPendingAnswersResourceConstraintWait() {
        CoreFixture f = new CoreFixture(b -> b.maxPending(3)).online("a");
        for (int i = 0; i < 3; i++) {
            f.get("q" + i, Jid.parse("u" + i + "@example.com/r"), "1");
        }
        f.request("over", BOB, COMPONENT, "1", "get");
        Sent err = f.out.one();
        assertEquals(Kind.ERROR, err.kind());
        assertEquals(Condition.RESOURCE_CONSTRAINT, err.error().condition());
        assertEquals(ErrorType.WAIT, err.error().type());
        assertEquals(3, f.core.pendingCount());
    }

    @Test
    void maxPendingPerSenderLimitsOneSenderOnly() {
        CoreFixture f = new CoreFixture(b -> b.maxPendingPerSender(2)).online("a");
        Sent first = f.get("q1", ALICE, "1");
        f.get("q2", ALICE, "2");
        f.request("q3", ALICE, COMPONENT, "3", "get");
        assertEquals(Condition.RESOURCE_CONSTRAINT, f.out.one().error().condition());
        assertEquals(Kind.FORWARD, f.get("other", BOB, "1").kind());
        f.answer("r", first, "1");
        f.out.take();
        assertEquals(Kind.FORWARD, f.get("q3-again", ALICE, "3").kind(), "room again once one is answered");
    }

    @Test
    void aSecondRequestWithAPendingIdIsRefusedNotMixedUp() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q1", ALICE, "dup");
        f.request("q2", ALICE, COMPONENT, "dup", "get");
        Sent err = f.out.one();
        assertEquals("q2", err.stanza());
        assertEquals(Condition.BAD_REQUEST, err.error().condition());
        f.answer("r", fwd, "dup");
        assertEquals("r", f.out.one().stanza());
    }

    @Test
    void idleMappingsExpireAndTheirTokensStopWorking() {
        CoreFixture f = new CoreFixture(b -> b.jatIdleTimeout(Duration.ofMinutes(1))).online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.answer("r", fwd, "1");
        f.out.take();
        assertEquals(1, f.core.mappingCount());
        f.advance(Duration.ofSeconds(59));
        f.core.tick();
        assertEquals(1, f.core.mappingCount(), "kept while idle for less than jat-idle-timeout");
        f.advance(Duration.ofSeconds(1));
        f.core.tick();
        assertEquals(0, f.core.mappingCount());
        f.answer("stale", fwd, "1");
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.UNKNOWN_TOKEN));
        Sent again = f.get("q", ALICE, "2");
        assertNotEquals(fwd.from(), again.from(), "a new mapping gets a new token");
    }

    @Test
    void mappingsWithPendingRequestsNeverExpire() {
        CoreFixture f = new CoreFixture(b -> b.jatIdleTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(30))).online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.advance(Duration.ofSeconds(20));
        f.core.tick();
        f.answer("r", fwd, "1");
        assertEquals(ALICE, f.out.one().to());
    }

    @Test
    void maxMappingsEvictsTheLongestIdleOrRefusesNewSenders() {
        CoreFixture f = new CoreFixture(b -> b.maxMappings(2), Balancer.RANDOM, 1).online("a");
        Sent alice = f.get("q", ALICE, "1");
        Sent bob = f.get("q", BOB, "1");
        Jid carol = Jid.parse("carol@example.net/x");
        f.request("q", carol, COMPONENT, "1", "get");
        assertEquals(Condition.RESOURCE_CONSTRAINT, f.out.one().error().condition(), "all mappings busy");
        f.answer("r", alice, "1");
        f.out.take();
        assertEquals(Kind.FORWARD, f.get("q", carol, "1").kind(), "the idle mapping made room");
        assertEquals(2, f.core.mappingCount());
        f.answer("late", alice, "1");
        assertTrue(f.out.take().isEmpty());
        f.answer("r", bob, "1");
        assertEquals(BOB, f.out.one().to());
    }

    @Test
    void settingsAreValidatedWithTheKeyInTheMessage() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().target(Jid.parse("bot@example.com/res")).build());
        assertEquals(ProxySettings.TARGET_ADDRESS, e.key());
        assertTrue(e.getMessage().contains("bot@example.com/res"), e.getMessage());
        assertEquals(ProxySettings.TARGET_ADDRESS, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().build()).key());
        assertEquals(ProxySettings.TARGET_ADDRESS, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.parseTarget("@example.com")).key());
        assertEquals(ProxySettings.REQUEST_TIMEOUT, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().target(CoreFixture.TARGET).requestTimeout(Duration.ZERO).build()).key());
        assertEquals(ProxySettings.MAX_PENDING, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().target(CoreFixture.TARGET).maxPending(0).build()).key());
        assertEquals(ProxySettings.JAT_MODE, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.parseJatMode("secret")).key());
        assertEquals(ProxySettings.RESUBSCRIBE_MAX, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().target(CoreFixture.TARGET).resubscribeMax(Duration.ofSeconds(1)).build()).key());
    }
}
