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

    /**
     * Shards fill a small reserve of max-pending without counting the others (none at this size);
     * the bound must still be exact however unevenly the senders fall into shards.
     */
    @Test
    void maxPendingIsExactAcrossShards() {
        CoreFixture f = new CoreFixture(b -> b.maxPending(40)).online("a");
        java.util.List<Sent> forwarded = oneFromEachOf(200, f, 40);
        assertEquals(40, forwarded.size());
        assertEquals(40, f.core.pendingCount());
        f.answer("r", forwarded.get(0));
        f.out.take();
        f.request("late", Jid.parse("late@example.com/r"), COMPONENT, "1", "get");
        assertEquals(Kind.FORWARD, f.out.one().kind(), "room for exactly one more");
        f.request("later", Jid.parse("later@example.com/r"), COMPONENT, "1", "get");
        assertEquals(Kind.ERROR, f.out.one().kind());
    }

    /** With reserves (512 / (16 x 16) = 2 per shard): never more than max-pending, refused only within the reserves of it. */
    @Test
    void maxPendingWithShardReservesIsNeverPassed() {
        CoreFixture f = new CoreFixture(b -> b.maxPending(512)).online("a");
        java.util.List<Sent> forwarded = oneFromEachOf(700, f, 512);
        assertTrue(forwarded.size() >= 512 - 32, "admitted " + forwarded.size());
        for (Sent fwd : forwarded) {
            f.answer("r", fwd);
        }
        assertEquals(forwarded.size(), f.out.take().size());
        assertEquals(0, f.core.pendingCount());
    }

    /**
     * A get from each of {@code senders} new senders: returns those forwarded; the others must be
     * refused with resource-constraint, and never more than {@code maxPending} may be pending.
     */
    private static java.util.List<Sent> oneFromEachOf(int senders, CoreFixture f, int maxPending) {
        java.util.List<Sent> forwarded = new java.util.ArrayList<>();
        for (int i = 0; i < senders; i++) {
            f.request("q" + i, Jid.parse("u" + i + "@example.com/r"), COMPONENT, "1", "get");
            Sent out = f.out.one();
            if (out.kind() == Kind.FORWARD) {
                forwarded.add(out);
            } else {
                assertEquals(Condition.RESOURCE_CONSTRAINT, out.error().condition());
            }
            assertTrue(f.core.pendingCount() <= maxPending, "pending " + f.core.pendingCount());
        }
        return forwarded;
    }

    @Test
    void maxPendingPerSenderLimitsOneSenderOnly() {
        CoreFixture f = new CoreFixture(b -> b.maxPendingPerSender(2)).online("a");
        Sent first = f.get("q1", ALICE, "1");
        f.get("q2", ALICE, "2");
        f.request("q3", ALICE, COMPONENT, "3", "get");
        assertEquals(Condition.RESOURCE_CONSTRAINT, f.out.one().error().condition());
        assertEquals(Kind.FORWARD, f.get("other", BOB, "1").kind());
        f.answer("r", first);
        f.out.take();
        assertEquals(Kind.FORWARD, f.get("q3-again", ALICE, "3").kind(), "room again once one is answered");
    }

    @Test
    void aSecondRequestWithAPendingIdSupersedesTheFirstAndTheAnswersDoNotCross() {
        // Ids are unique per stream: the sender's stream dropped and it came back with the same
        // full JID and the same id. The first request can no longer get an answer of its own.
        CoreFixture f = new CoreFixture().online("a");
        Sent first = f.get("q1", ALICE, "dup");
        Sent second = f.get("q2", ALICE, "dup");
        assertEquals(Kind.FORWARD, second.kind());
        assertEquals("q2", second.stanza());
        assertNotEquals(first.id(), second.id(), "each forward has its own id");
        assertEquals(1, f.core.pendingCount());
        f.answer("late-answer-to-q1", first);
        assertTrue(f.out.take().isEmpty(), "the first's late answer reaches nobody");
        assertEquals(1, f.core.counters().get(DropReason.NOT_PENDING));
        f.answer("answer-to-q2", second);
        assertEquals("answer-to-q2", f.out.one().stanza());
        f.core.tick();
        f.advance(Duration.ofMinutes(1));
        f.core.tick();
        assertTrue(f.out.take().isEmpty(), "no timeout for the superseded one: it gets nothing at all");
        assertEquals(1, f.core.counters().get(Counter.REQUESTS_SUPERSEDED));
    }

    @Test
    void anAnswerWithTheSendersIdInsteadOfTheForwardsIsNotAnAnswer() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "7");
        for (String id : new String[] {"7", "2.7", "1.8", "1.", ".7", "01.7", "-1.7"}) {
            f.core.onIq("r", new Iq(fwd.to(), fwd.from(), id, "result", 0));
        }
        assertTrue(f.out.take().isEmpty());
        assertEquals(7, f.core.counters().get(DropReason.NOT_PENDING));
        f.answer("r", fwd);
        assertEquals(ALICE, f.out.one().to());
    }

    @Test
    void idleMappingsExpireAndTheirTokensStopWorking() {
        CoreFixture f = new CoreFixture(b -> b.jatIdleTimeout(Duration.ofMinutes(1))).online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.answer("r", fwd);
        f.out.take();
        assertEquals(1, f.core.mappingCount());
        f.advance(Duration.ofSeconds(59));
        f.core.tick();
        assertEquals(1, f.core.mappingCount(), "kept while idle for less than jat-idle-timeout");
        f.advance(Duration.ofSeconds(1));
        f.core.tick();
        assertEquals(0, f.core.mappingCount());
        f.answer("stale", fwd);
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.UNKNOWN_TOKEN));
        Sent again = f.get("q", ALICE, "2");
        assertNotEquals(fwd.from(), again.from(), "a new mapping gets a new token");
    }

    /** The new mapping takes the freed slot of the old one; the old token names that slot but must not reach it. */
    @Test
    void aTokenOfAnExpiredMappingDoesNotReachTheMappingNowInItsSlot() {
        CoreFixture f = new CoreFixture(b -> b.jatIdleTimeout(Duration.ofMinutes(1))).online("a");
        Sent old = f.get("q", ALICE, "1");
        f.answer("r", old);
        f.out.take();
        f.advance(Duration.ofMinutes(1));
        f.core.tick();
        Sent now = f.get("q2", ALICE, "2");
        String oldToken = old.from().resource();
        String newToken = now.from().resource();
        assertEquals(oldToken.substring(0, 5), newToken.substring(0, 5), "same shard and slot");
        assertNotEquals(oldToken, newToken);
        f.answer("forged", old);
        assertTrue(f.out.take().isEmpty(), "a reply to the old token is dropped");
        assertEquals(1, f.core.counters().get(DropReason.UNKNOWN_TOKEN));
        assertEquals(1, f.core.pendingCount());
        f.answer("real", now);
        Sent back = f.out.one();
        assertEquals("real", back.stanza());
        assertEquals(ALICE, back.to());
    }

    /** One pending request sits in the mapping itself, more in a map: every way between them keeps every request. */
    @Test
    void aSendersRequestsAreEachAnsweredHoweverManyArePending() {
        CoreFixture f = new CoreFixture().online("a");
        for (int round = 0; round < 3; round++) {
            java.util.List<Sent> fwds = new java.util.ArrayList<>();
            for (int i = 0; i <= round * 2; i++) {
                fwds.add(f.get("q" + i, ALICE, "r" + round + "-" + i));
            }
            assertEquals(fwds.size(), f.core.pendingCount());
            // Answer last first, then the rest: the map empties in an order other than it filled.
            java.util.Collections.reverse(fwds);
            for (Sent fwd : fwds) {
                String id = fwd.stanza().replace("q", "r" + round + "-");
                f.answer("a-" + id, fwd);
                Sent back = f.out.one();
                assertEquals("a-" + id, back.stanza());
                assertEquals(ALICE, back.to());
                f.answer("again-" + id, fwd);
                assertTrue(f.out.take().isEmpty(), "answered once only");
            }
            assertEquals(0, f.core.pendingCount());
        }
        assertEquals(9, f.core.counters().get(DropReason.NOT_PENDING));
        assertEquals(1, f.core.mappingCount());
    }

    @Test
    void mappingsWithPendingRequestsNeverExpire() {
        CoreFixture f = new CoreFixture(b -> b.jatIdleTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(30))).online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.advance(Duration.ofSeconds(20));
        f.core.tick();
        f.answer("r", fwd);
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
        f.answer("r", alice);
        f.out.take();
        assertEquals(Kind.FORWARD, f.get("q", carol, "1").kind(), "the idle mapping made room");
        assertEquals(2, f.core.mappingCount());
        f.answer("late", alice);
        assertTrue(f.out.take().isEmpty());
        f.answer("r", bob);
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
