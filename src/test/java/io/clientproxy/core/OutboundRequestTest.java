package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** outbound-requests: the implementing client asks a mapped sender, and gets exactly one answer. */
class OutboundRequestTest {
    private static final Jid USED = Jid.parse("svc@proxy.example.com/x");

    /** Alice asks once (so she is mapped, from USED); returns the encoded address she has toward the target. */
    private static Jid mapAlice(CoreFixture f) {
        f.request("q", ALICE, USED, "in1", "get");
        Sent fwd = f.out.one();
        f.answer("r", fwd);
        f.out.take();
        return fwd.from();
    }

    @Test
    void targetRequestReachesTheMappedSenderFromTheAddressSheUsedAndTheAnswerComesBack() {
        CoreFixture f = new CoreFixture(b -> b.outboundRequests(true)).online("a", "b");
        Jid alice = mapAlice(f);
        f.core.onIq("ask-alice", new Iq(res("b"), alice, "o1", "get", 1));
        Sent out = f.out.one();
        assertEquals(Kind.FORWARD, out.kind());
        assertEquals("ask-alice", out.stanza());
        assertEquals(USED, out.from(), "from the address alice used");
        assertEquals(ALICE, out.to());
        assertEquals(1, f.core.pendingCount());

        f.core.onIq("alice-answers", new Iq(ALICE, USED, "o1", "result", 1));
        Sent back = f.out.one();
        assertEquals("alice-answers", back.stanza());
        assertEquals(alice, back.from(), "from alice's encoded address");
        assertEquals(res("b"), back.to(), "to the resource that asked");
        f.core.onIq("again", new Iq(ALICE, USED, "o1", "result", 1));
        assertTrue(f.out.take().isEmpty(), "one answer only");
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void onlyTheMappedSenderItselfCanAnswer() {
        CoreFixture f = new CoreFixture(b -> b.outboundRequests(true)).online("a");
        Jid alice = mapAlice(f);
        f.core.onIq("ask", new Iq(res("a"), alice, "o1", "set", 1));
        f.out.take();
        f.core.onIq("forged", new Iq(BOB, USED, "o1", "result", 0));
        f.core.onIq("forged", new Iq(Jid.parse("alice@example.com/laptop"), USED, "o1", "result", 0));
        f.core.onIq("wrong-id", new Iq(ALICE, USED, "o2", "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.pendingCount());
    }

    @Test
    void unknownEncodingGetsItemNotFound() {
        CoreFixture f = new CoreFixture(b -> b.outboundRequests(true)).online("a");
        f.core.onIq("ask", new Iq(res("a"), COMPONENT.withResource("AAAAAAAAAAAAAAAAAAAAAAA"), "o1", "get", 1));
        Sent err = f.out.one();
        assertEquals(Condition.ITEM_NOT_FOUND, err.error().condition());
        assertEquals(ErrorType.CANCEL, err.error().type());
        assertEquals(res("a"), err.to());
        f.core.onIq("ask", new Iq(res("a"), COMPONENT.withResource("nonsense"), "o2", "get", 1));
        assertEquals(Condition.ITEM_NOT_FOUND, f.out.one().error().condition());
    }

    @Test
    void unansweredOutboundRequestTimesOutToTheAskingResource() {
        CoreFixture f = new CoreFixture(b -> b.outboundRequests(true).requestTimeout(Duration.ofSeconds(5))).online("a");
        Jid alice = mapAlice(f);
        f.core.onIq("ask", new Iq(res("a"), alice, "o1", "get", 1));
        f.out.take();
        f.advance(Duration.ofSeconds(5));
        f.core.tick();
        Sent err = f.out.one();
        assertEquals(Condition.REMOTE_SERVER_TIMEOUT, err.error().condition());
        assertEquals(alice, err.from());
        assertEquals(res("a"), err.to());
        f.core.onIq("late", new Iq(ALICE, USED, "o1", "result", 0));
        assertTrue(f.out.take().isEmpty());
    }

    @Test
    void askingResourceGoingOfflineAbandonsItsRequest() {
        CoreFixture f = new CoreFixture(b -> b.outboundRequests(true)).online("a", "b");
        Jid alice = mapAlice(f);
        f.core.onIq("ask", new Iq(res("a"), alice, "o1", "get", 1));
        f.out.take();
        f.offline("a");
        assertTrue(f.out.take().isEmpty(), "nobody to tell, and a get is not moved to another asker");
        assertEquals(1, f.core.counters().get(Counter.OUTBOUND_ABANDONED));
        f.core.onIq("late", new Iq(ALICE, USED, "o1", "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(0, f.core.pendingCount());
    }

    @Test
    void mappingWithAnOutboundRequestDoesNotExpireAndDisabledMeansFeatureNotImplemented() {
        CoreFixture f = new CoreFixture(b -> b.outboundRequests(true).jatIdleTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(30))).online("a");
        Jid alice = mapAlice(f);
        f.core.onIq("ask", new Iq(res("a"), alice, "o1", "get", 1));
        f.out.take();
        f.advance(Duration.ofSeconds(10));
        f.core.tick();
        f.core.onIq("answer", new Iq(ALICE, USED, "o1", "result", 0));
        assertEquals(res("a"), f.out.one().to());

        CoreFixture off = new CoreFixture().online("a");
        Jid a2 = mapAlice(off);
        off.core.onIq("ask", new Iq(res("a"), a2, "o1", "get", 1));
        assertEquals(Condition.FEATURE_NOT_IMPLEMENTED, off.out.one().error().condition());
    }
}
