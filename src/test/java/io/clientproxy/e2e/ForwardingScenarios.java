package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static io.clientproxy.e2e.ProxyFixture.ask;
import static io.clientproxy.e2e.ProxyFixture.assertError;
import static io.clientproxy.e2e.ProxyFixture.assertResult;
import static io.clientproxy.e2e.ProxyFixture.get;
import static io.clientproxy.e2e.ProxyFixture.jid;
import static io.clientproxy.e2e.ProxyFixture.reply;
import static io.clientproxy.e2e.ProxyFixture.send;
import static io.clientproxy.e2e.ProxyFixture.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.core.JatMode;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests to the component reach one resource of the target with the sender's address
 * translated, and the answers, results or errors, come back to the sender from the exact address
 * it used. Run on each server by the {@code @Nested} classes of {@link ProsodyEndToEndIT} and
 * {@link EjabberdEndToEndIT}.
 */
@Timeout(60)
abstract class ForwardingScenarios {

    /** An opaque token (README: shard, slot and 128 random bits, base64url, 27 characters). */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{27}");

    abstract ProxyFixture fx();

    // ------------------------------------------------------------------ 1. forwarding and JAT

    @Test
    void opaqueModeForwardsWithATokenThatRevealsNothingAndIsStablePerSender() throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice", "phone");
        XMPPTCPConnection aliceLaptop = fx().user("alice", "laptop");
        XMPPTCPConnection bob = fx().user("bob", "phone");

        EchoIq first = get("first", COMPONENT);
        EchoIq answer = assertResult(ask(alice, first), first, alice);
        EchoIq seen = seenOnce(first);
        // The bot got the request unchanged but for the addresses: id, type and payload as sent.
        assertEquals(IQ.Type.get, seen.getType());
        assertEquals("first", seen.text());
        assertTrue(List.of(fx().botJid("a"), fx().botJid("b")).contains(seen.getTo().toString()),
                "to one resource's full JID: " + seen.getTo());
        String seenFrom = seen.getFrom().toString();
        assertTrue(seenFrom.startsWith(COMPONENT + "/"), seenFrom);
        String token = seenFrom.substring(COMPONENT.length() + 1);
        assertTrue(TOKEN.matcher(token).matches(), "shard, slot and 128 random bits, base64url: " + token);
        assertFalse(seenFrom.toLowerCase().contains("alice"), "the target does not learn who asks: " + seenFrom);
        assertFalse(seenFrom.contains("phone"), seenFrom);
        assertEquals("first from " + seenFrom + " at " + seen.getTo().getResourceOrEmpty(), answer.text());

        EchoIq again = set("again", COMPONENT);
        assertResult(ask(alice, again), again, alice);
        assertEquals(seenFrom, seenOnce(again).getFrom().toString(), "the same sender keeps its token");
        assertEquals(IQ.Type.set, seenOnce(again).getType());

        EchoIq fromLaptop = get("laptop", COMPONENT);
        assertResult(ask(aliceLaptop, fromLaptop), fromLaptop, aliceLaptop);
        EchoIq fromBob = get("bob", COMPONENT);
        assertResult(ask(bob, fromBob), fromBob, bob);
        String laptopFrom = seenOnce(fromLaptop).getFrom().toString();
        String bobFrom = seenOnce(fromBob).getFrom().toString();
        assertTrue(TOKEN.matcher(laptopFrom.substring(COMPONENT.length() + 1)).matches(), laptopFrom);
        assertNotEquals(seenFrom, laptopFrom, "another resource of the same user is another sender");
        assertNotEquals(seenFrom, bobFrom);
        assertNotEquals(laptopFrom, bobFrom);

        assertEquals(4, fx().counters().get(Counter.REQUESTS_FORWARDED));
        assertEquals(4, fx().counters().get(Counter.REPLIES_DELIVERED));
        assertEquals(0, fx().counters().get(Counter.ERRORS_SENT));
        assertEquals(0, fx().counters().droppedTotal());
    }

    /**
     * README "Service discovery": with the default {@code disco = fallback}, a disco#info sent as
     * soon as the proxy's stream is up, while no resource of the target is online, gets the
     * component's own identity (not {@code service-unavailable}).
     */
    @Test
    void aDiscoQueryTheMomentTheStreamIsUpGetsTheComponentsIdentity() throws Exception {
        XMPPTCPConnection alice = fx().user("alice", "phone");
        fx().startProxy();
        org.jivesoftware.smackx.disco.packet.DiscoverInfo info =
                org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(alice).discoverInfo(jid(COMPONENT));
        assertEquals(COMPONENT, String.valueOf(info.getFrom()));
        List<String> identities = new ArrayList<>();
        info.getIdentities().forEach(i -> identities.add(i.getCategory() + "/" + i.getType() + "/" + i.getName()));
        assertEquals(List.of("component/generic/Client proxy"), identities);
        assertTrue(info.containsFeature("http://jabber.org/protocol/disco#info"), info.toXML().toString());
        assertEquals(1, fx().counters().get(Counter.DISCO_ANSWERED));
        assertEquals(0, fx().counters().get(Counter.ERRORS_SENT));
    }

    @Test
    void transparentModeShowsTheTargetTheSendersFullJid() throws Exception {
        fx().botsAndProxy(s -> s.jatMode(JatMode.TRANSPARENT));
        XMPPTCPConnection alice = fx().user("alice", "phone");
        XMPPTCPConnection bob = fx().user("bob", "desk");

        EchoIq request = get("who", COMPONENT);
        EchoIq answer = assertResult(ask(alice, request), request, alice);
        EchoIq seen = seenOnce(request);
        assertEquals(COMPONENT + "/alice@" + fx().domain() + "/phone", seen.getFrom().toString());
        assertEquals("who from " + COMPONENT + "/alice@" + fx().domain() + "/phone at " + seen.getTo().getResourceOrEmpty(),
                answer.text());

        EchoIq fromBob = set("me", COMPONENT + "/x");
        assertResult(ask(bob, fromBob), fromBob, bob);
        assertEquals(COMPONENT + "/bob@" + fx().domain() + "/desk", seenOnce(fromBob).getFrom().toString());

        // A resource may itself hold '/', '@' and any Unicode: the whole full JID is the encoding.
        XMPPTCPConnection odd = fx().user("carol", "desk/2@home \u00fc");
        EchoIq fromOdd = get("odd", COMPONENT);
        EchoIq oddAnswer = assertResult(ask(odd, fromOdd), fromOdd, odd);
        String oddFrom = COMPONENT + "/carol@" + fx().domain() + "/desk/2@home \u00fc";
        assertEquals(oddFrom, seenOnce(fromOdd).getFrom().toString());
        assertTrue(oddAnswer.text().startsWith("odd from " + oddFrom + " at "), oddAnswer.text());
        assertEquals(3, fx().counters().get(Counter.REPLIES_DELIVERED));
    }

    @Test
    void thePayloadPassesUnchangedBothWays() throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");

        String tricky = "a < b & c > \"d\" 'e' \u00fc\u00df \u4e2d\u6587 \ud83d\ude00 ]]> &amp; \t  two  spaces\nnew line";
        EchoIq request = get(tricky, COMPONENT);
        EchoIq answer = assertResult(ask(alice, request), request, alice);
        assertEquals(tricky, seenOnce(request).text(), "the target got the text as sent");
        assertTrue(answer.text().startsWith(tricky + " from " + COMPONENT + "/"), answer.text());

        // Large enough to span many reads on every stream on the way.
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 50_000; i++) {
            big.append(i).append(i % 7 == 0 ? " <&> " : " \u00e9 ");
        }
        EchoIq large = set(big.toString(), COMPONENT);
        EchoIq largeAnswer = assertResult(ask(alice, large), large, alice);
        assertEquals(big.toString(), seenOnce(large).text());
        assertTrue(largeAnswer.text().startsWith(big + " from " + COMPONENT + "/"), "the large answer came back intact");
        assertEquals(2, fx().counters().get(Counter.REPLIES_DELIVERED));
    }

    // ------------------------------------------------------------------ 2. replies from the address used

    @ParameterizedTest(name = "to {0}")
    @ValueSource(strings = {COMPONENT, COMPONENT + "/anything", "svc@" + COMPONENT, "svc@" + COMPONENT + "/r1"})
    void repliesComeFromTheAddressTheSenderUsed(String address) throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");

        EchoIq request = get("hello", address);
        IQ reply = ask(alice, request);
        assertEquals(jid(address), reply.getFrom());
        EchoIq answer = assertResult(reply, request, alice);
        assertTrue(answer.text().startsWith("hello from " + COMPONENT + "/"), answer.text());

        EchoIq failing = set("error:item-not-found::nothing here", address);
        IQ error = ask(alice, failing);
        assertEquals(jid(address), error.getFrom());
        assertError(error, failing, alice, StanzaError.Condition.item_not_found, StanzaError.Type.CANCEL);
        assertEquals(2, fx().counters().get(Counter.REPLIES_DELIVERED));
    }

    // ------------------------------------------------------------------ 3. equal ids from different senders

    @Test
    void equalIdsFromDifferentSendersEachGetTheirOwnAnswer() throws Exception {
        fx().botsAndProxy();
        Map<String, XMPPTCPConnection> senders = Map.of(
                "alice-phone", fx().user("alice", "phone"),
                "alice-laptop", fx().user("alice", "laptop"),
                "bob-phone", fx().user("bob", "phone"));
        Map<String, ProxyFixture.Inbox> inboxes = new HashMap<>();
        Map<String, EchoIq> requests = new HashMap<>();
        Map<String, StanzaCollector> pending = new HashMap<>();
        for (var e : senders.entrySet()) {
            inboxes.put(e.getKey(), ProxyFixture.inbox(e.getValue()));
            EchoIq request = get(EchoBot.HOLD + ":" + e.getKey(), COMPONENT);
            request.setStanzaId("same-id");
            requests.put(e.getKey(), request);
            pending.put(e.getKey(), send(e.getValue(), request));
        }
        // All three are pending at once, with the same id, wherever they landed.
        EchoBot a = fx().bot("a");
        EchoBot b = fx().bot("b");
        ProxyFixture.await("3 requests held", () -> a.held.size() + b.held.size() == 3);
        List<EchoIq> held = new ArrayList<>();
        List<EchoBot> holders = new ArrayList<>();
        for (EchoBot bot : List.of(a, b)) {
            for (EchoIq h; (h = bot.held.poll()) != null; ) {
                held.add(h);
                holders.add(bot);
            }
        }
        assertEquals(3, fx().proxy().core().pendingCount());
        assertEquals(3, held.stream().map(h -> h.getFrom().toString()).distinct().count(), "three senders, three tokens");
        held.forEach(h -> assertEquals("same-id", ProxyFixture.senderId(h.getStanzaId())));
        // Answered in the reverse order of arrival.
        for (int i = 2; i >= 0; i--) {
            holders.get(i).answer(held.get(i));
        }
        for (var e : senders.entrySet()) {
            EchoIq answer = assertResult(reply(pending.get(e.getKey())), requests.get(e.getKey()), e.getValue());
            assertTrue(answer.text().startsWith(EchoBot.HOLD + ":" + e.getKey() + " from "), answer.text());
        }
        for (var e : senders.entrySet()) {
            inboxes.get(e.getKey()).roundTrip(COMPONENT);
            List<IQ> got = inboxes.get(e.getKey()).withId("same-id");
            assertEquals(1, got.size(), () -> e.getKey() + " got exactly one answer: " + got);
        }
        assertEquals(6, fx().counters().get(Counter.REPLIES_DELIVERED), "3 answers and 3 round trips");
        assertEquals(0, fx().counters().droppedTotal());
    }

    @Test
    void aSecondRequestWithAnIdTheSameSenderStillHasPendingSupersedesTheFirst() throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");
        XMPPTCPConnection bob = fx().user("bob");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);

        EchoIq first = get(EchoBot.HOLD + ":first", COMPONENT);
        first.setStanzaId("reused");
        alice.sendStanza(first);
        EchoBot holder = fx().awaitHolder(first);
        EchoIq second = get("second", COMPONENT);
        second.setStanzaId("reused");
        alice.sendStanza(second);
        ProxyFixture.await("the second is answered", () -> inbox.withId("reused").size() == 1);
        EchoIq answer = assertResult(inbox.withId("reused").get(0), second, alice);
        assertTrue(answer.text().startsWith("second from "), answer.text());
        assertEquals(1, fx().counters().get(Counter.REQUESTS_SUPERSEDED));

        // Another sender may use the same id meanwhile.
        EchoIq bobs = get("bob's", COMPONENT);
        bobs.setStanzaId("reused");
        assertResult(ask(bob, bobs), bobs, bob);

        // The first's answer, late, would be a second answer with that id: it reaches nobody.
        holder.answer(holder.held.poll());
        fx().awaitDropped(DropReason.NOT_PENDING, 1);
        inbox.roundTrip(COMPONENT);
        assertEquals(2, inbox.all().size(), () -> "the second's answer and the round trip: " + inbox.all());
    }

    // ------------------------------------------------------------------ 4. error mapping

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("item-not-found", "cancel", "no such thing"),
                Arguments.of("not-authorized", "auth", "who are you?"),
                Arguments.of("resource-constraint", "wait", "too busy, come back later"),
                Arguments.of("bad-request", "modify", "that makes no sense"));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("errors")
    void anErrorFromTheTargetReachesTheSenderWithItsConditionTypeAndText(String condition, String type, String text)
            throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");

        EchoIq request = get("error:" + condition + ":" + type + ":" + text, COMPONENT + "/errors");
        IQ reply = ask(alice, request);
        StanzaError error = assertError(reply, request, alice, StanzaError.Condition.fromString(condition),
                StanzaError.Type.fromString(type));
        assertEquals(text, error.getDescriptiveText());
        assertNotNull(error.getExtension(EchoBot.APP_CONDITION, EchoIq.NAMESPACE),
                "the application-specific condition is kept: " + error.toXML());
        assertTrue(reply instanceof EchoIq echoed && request.text().equals(echoed.text()),
                () -> "the request's payload that the target put in its error is kept: " + reply.toXML());
        assertEquals(1, fx().counters().get(Counter.REPLIES_DELIVERED), "the target's error, delivered");
        assertEquals(0, fx().counters().get(Counter.ERRORS_SENT), "not one the proxy made up");
    }

    // ------------------------------------------------------------------ 9. messages

    @ParameterizedTest(name = "to {0}")
    @ValueSource(strings = {COMPONENT, "svc@" + COMPONENT + "/chat"})
    void aMessageToTheComponentGetsFeatureNotImplemented(String address) throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");
        List<Stanza> botMessages = new CopyOnWriteArrayList<>();
        for (EchoBot bot : List.of(fx().bot("a"), fx().bot("b"))) {
            bot.connection.addStanzaListener(botMessages::add, MessageTypeFilter.NORMAL_OR_CHAT_OR_HEADLINE);
        }

        Message message = alice.getStanzaFactory().buildMessageStanza()
                .to(jid(address))
                .ofType(Message.Type.chat)
                .setBody("hello?")
                .build();
        assertNotNull(message.getStanzaId());
        StanzaCollector collector = alice.createStanzaCollectorAndSend(
                new AndFilter(MessageTypeFilter.ERROR, new StanzaIdFilter(message.getStanzaId())), message);
        Message error = collector.nextResult(ProxyFixture.CLIENT_REPLY_TIMEOUT.toMillis());
        collector.cancel();
        assertNotNull(error, "an error message came back");
        assertEquals(jid(address), error.getFrom(), "from the address used");
        assertEquals(alice.getUser(), error.getTo());
        assertEquals(StanzaError.Condition.feature_not_implemented, error.getError().getCondition());
        assertEquals(StanzaError.Type.CANCEL, error.getError().getType());
        assertNotNull(error.getError().getDescriptiveText());
        assertEquals(1, fx().counters().get(Condition.FEATURE_NOT_IMPLEMENTED));
        assertEquals(0, fx().counters().get(Counter.MESSAGES_TO_TARGET));

        // IQ requests still work, and no message reached the target meanwhile.
        ProxyFixture.roundTrip(alice, COMPONENT);
        assertEquals(List.of(), botMessages);
    }

    // ------------------------------------------------------------------ helpers

    /** The request the target's resources saw with this request's id: exactly one, on exactly one resource. */
    EchoIq seenOnce(IQ request) {
        List<EchoIq> seen = Stream.of(fx().bot("a"), fx().bot("b"))
                .flatMap(b -> b.received.stream())
                .filter(iq -> ProxyFixture.senderId(iq.getStanzaId()).equals(request.getStanzaId()))
                .toList();
        assertEquals(1, seen.size(), () -> "the target saw the request once: " + seen);
        return seen.get(0);
    }

}
