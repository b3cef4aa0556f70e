package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.ALICE_LAPTOP;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.TARGET;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviours 1-5 of the component issue: forwarding, JAT, replies, no crossing, verification. */
class ProxyCoreRoutingTest {

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "proxy.example.com/anything", "svc@proxy.example.com"})
    void requestGoesToAnOnlineResourceFromTheEncodedAddress(String address) {
        CoreFixture f = new CoreFixture().online("a");
        f.request("q1", ALICE, Jid.parse(address), "1", "set");
        Sent fwd = f.out.one();
        assertEquals(Kind.FORWARD, fwd.kind());
        assertEquals("q1", fwd.stanza(), "the payload travels as it came");
        assertEquals(res("a"), fwd.to());
        assertEquals(COMPONENT.bare(), fwd.from().bare());
        assertTrue(fwd.from().resource().length() >= 17, "opaque token carries at least 96 bits");
        assertEquals(1, f.core.pendingCount());
        assertEquals(1, f.core.counters().get(Counter.REQUESTS_FORWARDED));
    }

    @Test
    void opaqueTokenIsStablePerSenderAndDistinctBetweenSenders() {
        CoreFixture f = new CoreFixture().online("a");
        Sent a1 = f.get("a1", ALICE, "1");
        Sent a2 = f.get("a2", ALICE, "2");
        Sent laptop = f.get("l", ALICE_LAPTOP, "1");
        Sent bob = f.get("b", BOB, "1");
        assertEquals(a1.from(), a2.from());
        Set<Jid> distinct = new HashSet<>(List.of(a1.from(), laptop.from(), bob.from()));
        assertEquals(3, distinct.size());
        for (Jid encoded : distinct) {
            assertTrue(!encoded.resource().contains("alice") && !encoded.resource().contains("bob"),
                    "an opaque token reveals nothing of the sender: " + encoded);
        }
    }

    @Test
    void opaqueTokensDoNotRepeatAcrossManySenders() {
        CoreFixture f = new CoreFixture().online("a");
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            tokens.add(f.get("q", Jid.parse("u" + i + "@example.com/r"), "1").from().resource());
        }
        assertEquals(5000, tokens.size());
    }

    @Test
    void transparentModeEncodesTheSendersFullJid() {
        CoreFixture f = new CoreFixture(b -> b.jatMode(JatMode.TRANSPARENT)).online("a");
        Sent fwd = f.get("q", ALICE, "7");
        assertEquals(COMPONENT.withResource(ALICE.toString()), fwd.from());
        f.answer("r", fwd);
        Sent back = f.out.one();
        assertEquals(ALICE, back.to());
        assertEquals(COMPONENT, back.from());
    }

    @Test
    void noOnlineResourceIsServiceUnavailableFromTheAddressUsed() {
        CoreFixture f = new CoreFixture();
        Jid used = Jid.parse("svc@proxy.example.com/x");
        f.request("q", ALICE, used, "1", "get");
        Sent err = f.out.one();
        assertEquals(Kind.ERROR, err.kind());
        assertEquals(Condition.SERVICE_UNAVAILABLE, err.error().condition());
        assertEquals(ErrorType.CANCEL, err.error().type());
        assertEquals(used, err.from());
        assertEquals(ALICE, err.to());
        assertEquals(0, f.core.pendingCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "proxy.example.com/anything", "svc@proxy.example.com"})
    void replyReachesTheSenderFromTheAddressItUsed(String address) {
        CoreFixture f = new CoreFixture().online("a");
        Jid used = Jid.parse(address);
        f.request("q", ALICE, used, "42", "get");
        Sent fwd = f.out.one();
        f.core.onIq("result-payload", new Iq(res("a"), fwd.from(), fwd.id(), "result", 1));
        Sent back = f.out.one();
        assertEquals(Kind.FORWARD, back.kind());
        assertEquals("result-payload", back.stanza());
        assertEquals(used, back.from());
        assertEquals(ALICE, back.to());
        assertEquals(0, f.core.pendingCount());
        assertEquals(1, f.core.counters().get(Counter.REPLIES_DELIVERED));
    }

    @Test
    void errorReplyIsTranslatedLikeAResult() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.core.onIq("error-with-text", new Iq(res("a"), fwd.from(), fwd.id(), "error", 2));
        Sent back = f.out.one();
        assertEquals("error-with-text", back.stanza());
        assertEquals(ALICE, back.to());
    }

    @Test
    void equalIdsFromDifferentSendersEachGetTheirOwnReply() {
        CoreFixture f = new CoreFixture().online("a", "b");
        Sent fa = f.get("qa", ALICE, "same");
        Sent fl = f.get("ql", ALICE_LAPTOP, "same");
        Sent fb = f.get("qb", BOB, "same");
        // Answer in another order than asked.
        f.answer("rb", fb);
        f.answer("ra", fa);
        f.answer("rl", fl);
        List<Sent> replies = f.out.take();
        assertEquals(List.of("rb", "ra", "rl"), replies.stream().map(Sent::stanza).toList());
        assertEquals(List.of(BOB, ALICE, ALICE_LAPTOP), replies.stream().map(Sent::to).toList());
    }

    @Test
    void unsolicitedReplyToAnUnknownTokenIsDropped() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onIq("r", new Iq(res("a"), COMPONENT.withResource("AAAAAAAAAAAAAAAAAAAAAAA"), "1", "result", 0));
        f.core.onIq("r", new Iq(res("a"), COMPONENT.withResource(ALICE.toString()), "1", "result", 0));
        f.core.onIq("r", new Iq(res("a"), COMPONENT, "1", "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(3, f.core.counters().get(DropReason.UNKNOWN_TOKEN));
    }

    @Test
    void replyForAnIdThatIsNotPendingIsDropped() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.core.onIq("invented", new Iq(res("a"), fwd.from(), "2", "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.NOT_PENDING));
    }

    @Test
    void duplicateReplyIsDropped() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.answer("first", fwd);
        f.answer("second", fwd);
        assertEquals(List.of("first"), f.out.take().stream().map(Sent::stanza).toList());
        assertEquals(1, f.core.counters().get(DropReason.NOT_PENDING));
    }

    @Test
    void replyFromAnotherResourceOfTheTargetIsDropped() {
        CoreFixture f = new CoreFixture().online("a", "b");
        Sent fwd = f.get("q", ALICE, "1");
        Jid other = fwd.to().equals(res("a")) ? res("b") : res("a");
        f.core.onIq("forged", new Iq(other, fwd.from(), fwd.id(), "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(1, f.core.counters().get(DropReason.WRONG_RESOURCE));
        f.answer("real", fwd);
        assertEquals("real", f.out.one().stanza());
    }

    @Test
    void replyFromAnotherAccountIsDropped() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        f.core.onIq("forged", new Iq(BOB, fwd.from(), fwd.id(), "result", 0));
        f.core.onIq("forged", new Iq(Jid.parse("bot@evil.example/a"), fwd.from(), fwd.id(), "result", 0));
        assertTrue(f.out.take().isEmpty());
        assertEquals(2, f.core.counters().get(DropReason.NOT_FROM_TARGET));
        assertEquals(1, f.core.pendingCount());
    }

    @Test
    void serverGeneratedErrorFromTheResourceSettlesTheRequest() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        // What a server sends when it cannot deliver to that full JID: an error from it.
        f.core.onIq("server-error", new Iq(fwd.to(), fwd.from(), fwd.id(), "error", 2));
        Sent back = f.out.one();
        assertEquals("server-error", back.stanza());
        assertEquals(ALICE, back.to());
    }

    @Test
    void senderOfATokenIsKnownOnlyWhileMapped() {
        CoreFixture f = new CoreFixture().online("a");
        Sent fwd = f.get("q", ALICE, "1");
        assertEquals(ALICE, f.core.senderOf(fwd.from().resource()));
        assertNull(f.core.senderOf("nonsense"));
        assertNotEquals(null, fwd.from().resource());
    }
}
