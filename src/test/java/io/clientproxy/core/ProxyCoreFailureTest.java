package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behaviours 6-9: timeouts, resources leaving, malformed input, messages. */
class ProxyCoreFailureTest {

    @Test
    void unansweredRequestTimesOutWithRemoteServerTimeoutFromTheAddressUsed() {
        CoreFixture f = new CoreFixture(b -> b.requestTimeout(Duration.ofSeconds(5))).online("a");
        Jid used = COMPONENT.withResource("x");
        f.request("q", ALICE, used, "1", "get");
        Sent fwd = f.out.one();
        f.advance(Duration.ofMillis(4999));
        f.core.tick();
        assertTrue(f.out.take().isEmpty(), "not before the timeout");
        f.advance(Duration.ofMillis(1));
        f.core.tick();
        Sent err = f.out.one();
        assertEquals(Kind.ERROR, err.kind());
        assertEquals("q", err.stanza());
        assertEquals(Condition.REMOTE_SERVER_TIMEOUT, err.error().condition());
        assertEquals(ErrorType.WAIT, err.error().type());
        assertEquals(used, err.from());
        assertEquals(ALICE, err.to());
        f.core.tick();
        assertTrue(f.out.take().isEmpty(), "a timeout is sent once");
        f.answer("late", fwd);
        assertTrue(f.out.take().isEmpty(), "a late reply is dropped");
        assertEquals(1, f.core.counters().get(DropReason.NOT_PENDING));
        assertEquals(1, f.core.counters().get(Counter.TIMEOUTS));
    }

    @Test
    void timeoutsFireInDeadlineOrderAndOnlyForOverdueRequests() {
        CoreFixture f = new CoreFixture(b -> b.requestTimeout(Duration.ofSeconds(10))).online("a");
        f.get("first", ALICE, "1");
        f.advance(Duration.ofSeconds(3));
        Sent second = f.get("second", BOB, "1");
        f.advance(Duration.ofSeconds(7));
        f.core.tick();
        assertEquals("first", f.out.one().stanza());
        f.answer("answer", second);
        assertEquals("answer", f.out.one().stanza());
        f.advance(Duration.ofSeconds(10));
        f.core.tick();
        assertTrue(f.out.take().isEmpty());
    }

    @Test
    void pendingGetMovesToAnotherResourceWhenItsResourceLeaves() {
        CoreFixture f = new CoreFixture().online("a", "b");
        Sent fwd = f.get("q", ALICE, "1");
        String holder = fwd.to().resource();
        String other = holder.equals("a") ? "b" : "a";
        f.offline(holder);
        Sent moved = f.out.one();
        assertEquals(Kind.FORWARD, moved.kind());
        assertEquals("q", moved.stanza());
        assertEquals(res(other), moved.to());
        assertEquals(fwd.from(), moved.from(), "same encoded address, so the answer maps back");
        assertNotEquals(fwd.id(), moved.id(), "a new forward, a new id");
        f.core.onIq("late-from-gone", new Iq(res(holder), fwd.from(), fwd.id(), "result", 0));
        f.core.onIq("late-from-gone", new Iq(res(holder), fwd.from(), moved.id(), "result", 0));
        assertTrue(f.out.take().isEmpty(), "the resource that left no longer holds it");
        f.core.onIq("answer", new Iq(res(other), fwd.from(), moved.id(), "result", 0));
        assertEquals(ALICE, f.out.one().to());
        assertEquals(1, f.core.counters().get(Counter.REQUESTS_MOVED));
    }

    @Test
    void pendingSetIsAnsweredWithAWaitErrorWhenItsResourceLeaves() {
        CoreFixture f = new CoreFixture().online("a", "b");
        f.request("s", ALICE, COMPONENT, "1", "set");
        Sent fwd = f.out.one();
        f.offline(fwd.to().resource());
        Sent err = f.out.one();
        assertEquals(Kind.ERROR, err.kind());
        assertEquals(Condition.RECIPIENT_UNAVAILABLE, err.error().condition());
        assertEquals(ErrorType.WAIT, err.error().type());
        assertEquals(ALICE, err.to());
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void pendingGetWithNoOtherResourceIsAnsweredAtOnce() {
        CoreFixture f = new CoreFixture().online("a");
        f.get("q", ALICE, "1");
        f.core.onPresence("err", res("a"), COMPONENT, "error", 0);
        Sent err = f.out.one();
        assertEquals(Condition.RECIPIENT_UNAVAILABLE, err.error().condition());
        assertEquals(ErrorType.WAIT, err.error().type());
        f.core.tick();
        assertTrue(f.out.take().isEmpty());
    }

    @Test
    void unavailablePresenceFromTheBareTargetSettlesEverything() {
        CoreFixture f = new CoreFixture().online("a", "b");
        f.get("q1", ALICE, "1");
        f.get("q2", BOB, "1");
        f.core.onPresence("gone", CoreFixture.TARGET, COMPONENT, "unavailable", 0);
        List<Sent> out = f.out.take();
        assertEquals(2, out.size());
        assertTrue(out.stream().allMatch(s -> s.error().condition() == Condition.RECIPIENT_UNAVAILABLE));
        assertEquals(0, f.core.resources().size());
    }

    @Test
    void removingTheFirstOrLastResourceLeavesTheRestFullyUsable() {
        for (String leaving : List.of("a", "c")) {
            CoreFixture f = new CoreFixture().online("a", "b", "c");
            f.offline(leaving);
            Map<Jid, Integer> seen = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                Sent fwd = f.get("q", ALICE, "id" + i);
                seen.merge(fwd.to(), 1, Integer::sum);
                f.answer("r", fwd);
                assertEquals(ALICE, f.out.one().to());
            }
            assertTrue(!seen.containsKey(res(leaving)), "nothing goes to the resource that left");
            assertEquals(2, seen.size(), "both remaining resources are used: " + seen);
            assertEquals(300, f.core.counters().get(Counter.REPLIES_DELIVERED));
        }
    }

    @Test
    void aResourceThatComesBackIsUsedAgain() {
        CoreFixture f = new CoreFixture().online("a");
        f.offline("a");
        f.request("q", ALICE, COMPONENT, "1", "get");
        assertEquals(Condition.SERVICE_UNAVAILABLE, f.out.one().error().condition());
        f.online("a");
        assertEquals(res("a"), f.get("q", ALICE, "2").to());
    }

    @Test
    void messageGetsFeatureNotImplementedAndErrorMessagesAreDropped() {
        CoreFixture f = new CoreFixture().online("a");
        Jid used = Jid.parse("svc@proxy.example.com");
        f.core.onMessage("m", ALICE, used, "chat");
        Sent err = f.out.one();
        assertEquals(Condition.FEATURE_NOT_IMPLEMENTED, err.error().condition());
        assertEquals(ErrorType.CANCEL, err.error().type());
        assertEquals(used, err.from());
        f.core.onMessage("m", ALICE, used, "error");
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.ERROR_STANZA));
    }

    @Test
    void malformedIqsGetBadRequestOrAreDropped() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onIq("no-id", new Iq(ALICE, COMPONENT, null, "get", 1));
        f.core.onIq("bad-type", new Iq(ALICE, COMPONENT, "1", "fetch", 1));
        f.core.onIq("no-type", new Iq(ALICE, COMPONENT, "1", null, 1));
        f.core.onIq("no-child", new Iq(ALICE, COMPONENT, "1", "get", 0));
        f.core.onIq("two-children", new Iq(ALICE, COMPONENT, "1", "set", 2));
        List<Sent> out = f.out.take();
        assertEquals(List.of("no-id", "bad-type", "no-type", "no-child", "two-children"),
                out.stream().map(Sent::stanza).toList());
        for (Sent s : out) {
            assertEquals(Condition.BAD_REQUEST, s.error().condition(), s.toString());
            assertEquals(ErrorType.MODIFY, s.error().type());
            assertEquals(ALICE, s.to());
        }
        f.core.onIq("no-from", new Iq(null, COMPONENT, "1", "get", 1));
        f.core.onIq("result-no-id", new Iq(CoreFixture.res("a"), COMPONENT.withResource("t"), null, "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.NO_FROM));
        assertEquals(1, f.core.counters().get(DropReason.NO_ID));
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void resultsAndErrorsFromOthersAreDroppedNotAnswered() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onIq("r", new Iq(ALICE, COMPONENT, "1", "result", 0));
        f.core.onIq("e", new Iq(ALICE, COMPONENT, "1", "error", 1));
        assertTrue(f.out.take().isEmpty());
        assertEquals(2, f.core.counters().get(DropReason.NOT_FROM_TARGET));
    }

    @Test
    void requestsFromTheTargetItselfAreRefused() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onIq("to-component", new Iq(res("a"), COMPONENT, "1", "get", 1));
        assertEquals(Condition.SERVICE_UNAVAILABLE, f.out.one().error().condition());
        f.core.onIq("to-encoded", new Iq(res("a"), COMPONENT.withResource("tok"), "1", "get", 1));
        assertEquals(Condition.FEATURE_NOT_IMPLEMENTED, f.out.one().error().condition());
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void shutdownAnswersEveryPendingRequestOnce() {
        CoreFixture f = new CoreFixture().online("a");
        f.get("q1", ALICE, "1");
        f.get("q2", BOB, "1");
        f.core.shutdown();
        List<Sent> out = f.out.take();
        assertEquals(2, out.size());
        assertTrue(out.stream().allMatch(s -> s.error().condition() == Condition.SERVICE_UNAVAILABLE
                && s.error().type() == ErrorType.WAIT));
        f.core.tick();
        f.core.shutdown();
        assertTrue(f.out.take().isEmpty());
        f.request("late", ALICE, COMPONENT, "2", "get");
        Sent refused = f.out.one();
        assertEquals(Condition.SERVICE_UNAVAILABLE, refused.error().condition(), "nothing is admitted after shutdown");
        assertEquals(0, f.core.pendingCount());
        f.core.start();
        f.online("a");
        f.out.take();
        assertEquals(Kind.FORWARD, f.get("again", ALICE, "3").kind(), "start() opens again");
    }
}
