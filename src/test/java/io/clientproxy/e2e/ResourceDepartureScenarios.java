package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static io.clientproxy.e2e.ProxyFixture.WAIT;
import static io.clientproxy.e2e.ProxyFixture.ask;
import static io.clientproxy.e2e.ProxyFixture.assertError;
import static io.clientproxy.e2e.ProxyFixture.assertResult;
import static io.clientproxy.e2e.ProxyFixture.get;
import static io.clientproxy.e2e.ProxyFixture.reply;
import static io.clientproxy.e2e.ProxyFixture.send;
import static io.clientproxy.e2e.ProxyFixture.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Counter;
import io.clientproxy.core.TargetResource;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A resource of the target leaves while requests are pending with it, either gracefully or by
 * losing its TCP connection: a get moves to the other resource and is answered there, a set is
 * answered {@code recipient-unavailable}, and so is a get when no other resource is online; the
 * remaining resource serves on. Run on each server by the {@code @Nested} classes of {@link ProsodyEndToEndIT} and
 * {@link EjabberdEndToEndIT}.
 */
@Timeout(60)
abstract class ResourceDepartureScenarios {

    abstract ProxyFixture fx();

    /** How a resource of the target leaves. */
    enum Leave {
        /** {@code disconnect()}: unavailable presence, then the end of the stream. */
        GRACEFULLY {
            @Override
            void leave(EchoBot bot) {
                bot.close();
            }
        },
        /** {@code instantShutdown()}: the TCP connection closes; the server notices and sends unavailable for it. */
        CONNECTION_DROPPED {
            @Override
            void leave(EchoBot bot) {
                bot.drop();
            }
        };

        abstract void leave(EchoBot bot);
    }

    /** Which of the two resources leaves: the first to come online, or the last. */
    enum Which {
        FIRST, LAST
    }

    @ParameterizedTest
    @EnumSource(Leave.class)
    void aPendingGetMovesToTheOtherResourceAndIsAnsweredThere(Leave how) throws Exception {
        EchoBot a = fx().connectBot("a");
        fx().startProxy();
        fx().awaitOnlineResources(1);
        XMPPTCPConnection alice = fx().user("alice");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);

        EchoIq request = get("hold@a:moving", COMPONENT + "/moving");
        StanzaCollector pending = send(alice, request);
        EchoIq atA = a.awaitHeld(WAIT);
        assertNotNull(atA, "the request reached resource a");
        assertEquals(request.getStanzaId(), ProxyFixture.senderId(atA.getStanzaId()));
        EchoBot b = fx().connectBot("b");
        fx().awaitOnlineResources(2);

        how.leave(a);
        EchoIq answer = assertResult(reply(pending), request, alice);
        assertEquals("hold@a:moving from " + atA.getFrom() + " at b", answer.text(),
                "answered by b, which saw the same translated address");
        List<EchoIq> atB = b.received.stream().filter(iq -> ProxyFixture.senderId(iq.getStanzaId()).equals(request.getStanzaId())).toList();
        assertEquals(1, atB.size(), "moved once: " + atB);
        assertEquals(IQ.Type.get, atB.get(0).getType());
        assertEquals(fx().botJid("b"), atB.get(0).getTo().toString());
        assertEquals(1, fx().counters().get(Counter.REQUESTS_MOVED));
        assertEquals(1, fx().counters().get(Counter.RESOURCES_OFFLINE_EVENTS));
        assertEquals(0, fx().counters().get(Counter.ERRORS_SENT));

        inbox.roundTrip(COMPONENT);
        assertEquals(1, inbox.withId(request.getStanzaId()).size(), () -> "exactly one answer: " + inbox.all());
    }

    @ParameterizedTest
    @EnumSource(Leave.class)
    void aPendingSetGetsRecipientUnavailable(Leave how) throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);

        EchoIq request = set(EchoBot.HOLD + ":a set", "svc@" + COMPONENT);
        StanzaCollector pending = send(alice, request);
        EchoBot holder = fx().awaitHolder(request);
        EchoBot other = holder == fx().bot("a") ? fx().bot("b") : fx().bot("a");

        how.leave(holder);
        StanzaError error = assertError(reply(pending), request, alice,
                StanzaError.Condition.recipient_unavailable, StanzaError.Type.WAIT);
        assertTrue(error.getDescriptiveText().contains("went offline"), error.getDescriptiveText());
        assertTrue(other.received.stream().noneMatch(iq -> ProxyFixture.senderId(iq.getStanzaId()).equals(request.getStanzaId())),
                "a set that may have been carried out is not sent again");
        assertEquals(0, fx().counters().get(Counter.REQUESTS_MOVED));
        assertEquals(1, fx().counters().get(Condition.RECIPIENT_UNAVAILABLE));

        fx().awaitOnlineResources(1);
        inbox.roundTrip(COMPONENT);
        assertEquals(1, inbox.withId(request.getStanzaId()).size(), () -> "exactly one answer: " + inbox.all());
    }

    @ParameterizedTest
    @EnumSource(Leave.class)
    void aPendingGetWithNoOtherResourceGetsRecipientUnavailable(Leave how) throws Exception {
        EchoBot a = fx().connectBot("a");
        fx().startProxy();
        fx().awaitOnlineResources(1);
        XMPPTCPConnection alice = fx().user("alice");

        EchoIq request = get(EchoBot.HOLD + ":alone", COMPONENT + "/alone");
        StanzaCollector pending = send(alice, request);
        assertNotNull(a.awaitHeld(WAIT), "the request reached resource a");

        how.leave(a);
        assertError(reply(pending), request, alice, StanzaError.Condition.recipient_unavailable, StanzaError.Type.WAIT);
        assertEquals(0, fx().counters().get(Counter.REQUESTS_MOVED));
        fx().awaitOnlineResources(0);

        EchoIq next = get("anyone?", COMPONENT);
        assertError(ask(alice, next), next, alice, StanzaError.Condition.service_unavailable, StanzaError.Type.CANCEL);
    }

    static Stream<Arguments> departures() {
        return Stream.of(Leave.values()).flatMap(how -> Stream.of(Which.values()).map(which -> Arguments.of(how, which)));
    }

    @ParameterizedTest(name = "the {1} to come online leaves, {0}")
    @MethodSource("departures")
    void eitherResourceLeavingLeavesTheOtherFullyUsable(Leave how, Which which) throws Exception {
        EchoBot a = fx().connectBot("a");
        fx().startProxy();
        fx().awaitOnlineResources(1);
        EchoBot b = fx().connectBot("b");
        fx().awaitOnlineResources(2);
        EchoBot leaving = which == Which.FIRST ? a : b;
        EchoBot staying = which == Which.FIRST ? b : a;
        XMPPTCPConnection alice = fx().user("alice");
        XMPPTCPConnection bob = fx().user("bob");

        how.leave(leaving);
        fx().awaitOnlineResources(1);
        assertEquals(List.of(fx().botJid(staying.resource)),
                Arrays.stream(fx().proxy().core().resources().snapshot()).map(TargetResource::jid).map(Object::toString).toList());

        List<EchoIq> requests = new ArrayList<>();
        List<StanzaCollector> pending = new ArrayList<>();
        List<XMPPTCPConnection> senders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            XMPPTCPConnection sender = i % 2 == 0 ? alice : bob;
            EchoIq request = i % 3 == 0 ? set("after-" + i, COMPONENT) : get("after-" + i, COMPONENT);
            requests.add(request);
            senders.add(sender);
            pending.add(send(sender, request));
        }
        for (int i = 0; i < 20; i++) {
            EchoIq answer = assertResult(reply(pending.get(i)), requests.get(i), senders.get(i));
            assertTrue(answer.text().startsWith("after-" + i + " from ") && answer.text().endsWith(" at " + staying.resource),
                    answer.text());
        }
        assertEquals(20, staying.received.size());
        assertEquals(20, fx().counters().get(Counter.REPLIES_DELIVERED));
        assertEquals(0, fx().counters().get(Counter.ERRORS_SENT));
        assertEquals(0, fx().counters().droppedTotal());
    }
}
