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
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Errors a server sends on behalf of a resource that is going away, before its unavailable
 * presence (Tigase on a closed connection, Prosody when an XEP-0198 session ends): from the full
 * JID of the resource holding the request, with one of four conditions.
 */
class ResourceBounceTest {

    /** The resource holding {@code fwd} answers it with an error of this condition. */
    private static void bounce(CoreFixture f, String label, Sent fwd, String condition) {
        f.core.onIq(label, new Iq(fwd.to(), fwd.from(), fwd.id(), "error", 1, null, condition));
    }

    private static String other(String resource) {
        return resource.equals("a") ? "b" : "a";
    }

    @ParameterizedTest
    @ValueSource(strings = {"recipient-unavailable", "service-unavailable", "remote-server-not-found", "not-authorized"})
    void aBouncedGetMovesToAnotherResourceAndIsAnsweredOnce(String condition) {
        CoreFixture f = new CoreFixture().online("a", "b");
        Sent fwd = f.get("q", ALICE, "1");
        bounce(f, "bounce", fwd, condition);
        Sent moved = f.out.one();
        assertEquals(Kind.FORWARD, moved.kind());
        assertEquals("q", moved.stanza(), "the request itself moves, not the error");
        assertEquals(res(other(fwd.to().resource())), moved.to());
        assertEquals(fwd.from(), moved.from());
        f.core.onIq("answer", new Iq(moved.to(), moved.from(), moved.id(), "result", 0));
        Sent answer = f.out.one();
        assertEquals("answer", answer.stanza());
        assertEquals(ALICE, answer.to());
        // The unavailable presence that follows the bounce changes nothing for the settled request.
        f.offline(fwd.to().resource());
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(Counter.BOUNCES));
        assertEquals(1, f.core.counters().get(Counter.REQUESTS_MOVED));
    }

    @Test
    void aBouncedSetIsAnsweredRecipientUnavailableAndNotMoved() {
        CoreFixture f = new CoreFixture().online("a", "b");
        f.request("s", ALICE, COMPONENT, "1", "set");
        Sent fwd = f.out.one();
        bounce(f, "bounce", fwd, "recipient-unavailable");
        Sent err = f.out.one();
        assertEquals(Kind.ERROR, err.kind());
        assertEquals("s", err.stanza());
        assertEquals(Condition.RECIPIENT_UNAVAILABLE, err.error().condition());
        assertEquals(ErrorType.WAIT, err.error().type());
        assertEquals(ALICE, err.to());
        assertEquals(COMPONENT, err.from());
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void aGetTriesEachResourceOnceThenTheTargetsErrorIsTheAnswer() {
        CoreFixture f = new CoreFixture().online("a", "b", "c");
        Sent fwd = f.get("q", ALICE, "1");
        Set<Jid> tried = new HashSet<>();
        tried.add(fwd.to());
        for (int i = 0; i < 2; i++) {
            bounce(f, "bounce" + i, fwd, "service-unavailable");
            fwd = f.out.one();
            assertEquals(Kind.FORWARD, fwd.kind());
            assertTrue(tried.add(fwd.to()), "a resource it has not been on: " + fwd.to());
        }
        // A bot that answers service-unavailable itself (it does not support the request) looks
        // the same; after every resource said so, that is the answer.
        bounce(f, "last", fwd, "service-unavailable");
        Sent answer = f.out.one();
        assertEquals(Kind.FORWARD, answer.kind());
        assertEquals("last", answer.stanza());
        assertEquals(ALICE, answer.to());
        assertEquals(COMPONENT, answer.from());
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void aResourceThatBouncedIsAvoidedUntilItsPresenceOrAShortWhile() {
        CoreFixture f = new CoreFixture(b -> b, new Balancer.RoundRobin(), ProxyCore.DEFAULT_SHARDS).online("a", "b");
        Sent fwd = f.get("q", ALICE, "1");
        String bounced = fwd.to().resource();
        bounce(f, "bounce", fwd, "recipient-unavailable");
        f.out.take();
        for (int i = 0; i < 4; i++) {
            assertNotEquals(res(bounced), f.get("n" + i, BOB, "n" + i).to(), "new requests avoid it");
        }
        f.advance(Duration.ofMillis(SenderRequests.SUSPECT_MILLIS));
        Set<Jid> used = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            used.add(f.get("m" + i, BOB, "m" + i).to());
        }
        assertTrue(used.contains(res(bounced)), "used again after " + SenderRequests.SUSPECT_MILLIS + " ms: " + used);

        bounce(f, "again", f.get("x", ALICE, "x"), "recipient-unavailable");
        f.out.take();
        f.online(bounced, 0);
        used.clear();
        for (int i = 0; i < 4; i++) {
            used.add(f.get("p" + i, BOB, "p" + i).to());
        }
        assertEquals(2, used.size(), "a presence from it brings it back at once: " + used);
    }

    @Test
    void whenEveryResourceBouncedTheyAreAllStillUsed() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        bounce(f, "bounce", fwd, "recipient-unavailable");
        assertEquals("bounce", f.out.one().stanza(), "no other resource: the error is the answer");
        assertEquals(res("a"), f.get("q2", ALICE, "2").to(), "the service does not stop for one error");
    }

    @Test
    void otherErrorsFromTheBotAreAnswersAndBouncesFromOthersAreDropped() {
        CoreFixture f = new CoreFixture().online("a", "b");
        Sent fwd = f.get("q", ALICE, "1");
        f.core.onIq("forged", new Iq(res(other(fwd.to().resource())), fwd.from(), fwd.id(), "error", 1, null, "recipient-unavailable"));
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.WRONG_RESOURCE));
        bounce(f, "not-found", fwd, "item-not-found");
        Sent answer = f.out.one();
        assertEquals("not-found", answer.stanza());
        assertEquals(ALICE, answer.to());
        assertEquals(0, f.core.counters().get(Counter.BOUNCES));
    }

    @Test
    void aGetThatMovedAfterABounceDoesNotReturnToTheResourceThatBouncedItWhenTheNextLeaves() {
        CoreFixture f = new CoreFixture().online("a", "b");
        Sent fwd = f.get("q", ALICE, "1");
        bounce(f, "bounce", fwd, "recipient-unavailable");
        Sent moved = f.out.one();
        f.offline(moved.to().resource());
        Sent err = f.out.one();
        assertEquals(Kind.ERROR, err.kind(), "each resource at most once");
        assertEquals(Condition.RECIPIENT_UNAVAILABLE, err.error().condition());
        assertEquals(ALICE, err.to());
    }
}
