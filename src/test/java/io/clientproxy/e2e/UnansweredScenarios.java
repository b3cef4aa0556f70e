package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static io.clientproxy.e2e.ProxyFixture.ask;
import static io.clientproxy.e2e.ProxyFixture.assertError;
import static io.clientproxy.e2e.ProxyFixture.assertResult;
import static io.clientproxy.e2e.ProxyFixture.get;
import static io.clientproxy.e2e.ProxyFixture.jid;
import static io.clientproxy.e2e.ProxyFixture.reply;
import static io.clientproxy.e2e.ProxyFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.time.Duration;
import java.util.List;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests nobody answers, and answers nobody asked for: no online resource
 * ({@code service-unavailable} at once), a resource that never answers
 * ({@code remote-server-timeout} after {@code request-timeout}, and the late answer dropped), and
 * unsolicited, duplicate, misdirected and forged replies (dropped and counted; the sender sees
 * exactly one answer). Run on each server by the {@code @Nested} classes of {@link ProsodyEndToEndIT} and
 * {@link EjabberdEndToEndIT}.
 */
@Timeout(60)
abstract class UnansweredScenarios {

    abstract ProxyFixture fx();

    // ------------------------------------------------------------------ 5. no online resource

    @Test
    void withNoResourceOnlineTheSenderGetsServiceUnavailableAtOnce() throws Exception {
        // A long request-timeout: an answer that came from a timeout could not pass for "at once".
        fx().startProxy(s -> s.requestTimeout(Duration.ofSeconds(30)));
        XMPPTCPConnection alice = fx().user("alice");

        EchoIq request = get("anyone there?", COMPONENT + "/nobody");
        long t0 = System.nanoTime();
        StanzaError error = assertError(ask(alice, request), request, alice,
                StanzaError.Condition.service_unavailable, StanzaError.Type.CANCEL);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 2000, "answered at once, not after a timeout: " + millis + " ms");
        assertTrue(error.getDescriptiveText().contains("no online resource"), error.getDescriptiveText());
        assertEquals(1, fx().counters().get(Condition.SERVICE_UNAVAILABLE));
        assertEquals(0, fx().counters().get(Counter.REQUESTS_FORWARDED));
    }

    @Test
    void afterTheLastResourceLeftTheSenderGetsServiceUnavailable() throws Exception {
        fx().botsAndProxy(s -> s.requestTimeout(Duration.ofSeconds(30)));
        XMPPTCPConnection alice = fx().user("alice");
        ProxyFixture.roundTrip(alice, COMPONENT);

        fx().bot("a").close();
        fx().bot("b").close();
        fx().awaitOnlineResources(0);
        EchoIq request = ProxyFixture.set("anyone there?", "svc@" + COMPONENT);
        long t0 = System.nanoTime();
        assertError(ask(alice, request), request, alice, StanzaError.Condition.service_unavailable, StanzaError.Type.CANCEL);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 2000, "answered at once, not after a timeout: " + millis + " ms");
    }

    // ------------------------------------------------------------------ 6. timeout

    @Test
    void aRequestTheTargetNeverAnswersTimesOutAndTheLateAnswerIsDropped() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        fx().botsAndProxy(s -> s.requestTimeout(timeout));
        XMPPTCPConnection alice = fx().user("alice");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);

        EchoIq request = get(EchoBot.HOLD + ":slow", COMPONENT + "/timer");
        long t0 = System.nanoTime();
        StanzaCollector pending = send(alice, request);
        EchoBot holder = fx().awaitHolder(request);
        EchoIq held = holder.held.poll();

        StanzaError error = assertError(reply(pending), request, alice,
                StanzaError.Condition.remote_server_timeout, StanzaError.Type.WAIT);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis >= timeout.toMillis() - 50 && millis < timeout.toMillis() + 2000,
                "answered after request-timeout (" + timeout.toMillis() + " ms), by the proxy: " + millis + " ms");
        assertTrue(error.getDescriptiveText().contains("did not answer in time"), error.getDescriptiveText());
        assertEquals(1, fx().counters().get(Counter.TIMEOUTS));
        assertEquals(0, fx().proxy().core().pendingCount());

        // The bot answers after all: too late, dropped.
        holder.answer(held);
        fx().awaitDropped(DropReason.NOT_PENDING, 1);
        inbox.roundTrip(COMPONENT);
        assertEquals(List.of(IQ.Type.error), inbox.withId(request.getStanzaId()).stream().map(IQ::getType).toList(),
                () -> "only the timeout error, never the late result: " + inbox.all());
        assertEquals(1, fx().counters().get(Counter.REPLIES_DELIVERED), "only the round trip");
    }

    // ------------------------------------------------------------------ 8. unsolicited and duplicate replies

    @Test
    void unsolicitedDuplicateMisdirectedAndForgedRepliesAreDropped() throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");
        XMPPTCPConnection mallory = fx().user("mallory");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);

        EchoIq request = get(EchoBot.HOLD + ":twice", COMPONENT);
        StanzaCollector pending = send(alice, request);
        EchoBot holder = fx().awaitHolder(request);
        EchoBot other = holder == fx().bot("a") ? fx().bot("b") : fx().bot("a");
        EchoIq held = holder.held.poll();
        String encoded = held.getFrom().toString();

        // A result for an id that was never asked, to alice's encoded address.
        EchoIq unsolicited = EchoBot.resultFor(held, "unsolicited");
        unsolicited.setStanzaId("never-asked");
        holder.connection.sendStanza(unsolicited);
        fx().awaitDropped(DropReason.NOT_PENDING, 1);

        // The pending request's id, answered by the resource it did not go to.
        other.connection.sendStanza(EchoBot.resultFor(held, "from the wrong resource"));
        fx().awaitDropped(DropReason.WRONG_RESOURCE, 1);

        // The pending request's id and encoded address, answered by another account altogether.
        EchoIq forged = EchoBot.resultFor(held, "forged");
        forged.setTo(jid(encoded));
        mallory.sendStanza(forged);
        fx().awaitDropped(DropReason.NOT_FROM_TARGET, 1);
        assertEquals(1, fx().proxy().core().pendingCount(), "still pending after all that");

        // The real answer, twice.
        holder.answer(held);
        holder.answer(held);
        EchoIq answer = assertResult(reply(pending), request, alice);
        assertEquals(EchoBot.HOLD + ":twice from " + encoded + " at " + holder.resource, answer.text());
        fx().awaitDropped(DropReason.NOT_PENDING, 2);

        inbox.roundTrip(COMPONENT);
        List<IQ> got = inbox.all();
        assertEquals(2, got.size(), () -> "the answer and the round trip, nothing else: " + got);
        assertEquals(request.getStanzaId(), got.get(0).getStanzaId());
        assertEquals(2, fx().counters().get(Counter.REPLIES_DELIVERED));
        assertEquals(2, fx().counters().get(DropReason.NOT_PENDING));
        assertEquals(1, fx().counters().get(DropReason.WRONG_RESOURCE));
        assertEquals(1, fx().counters().get(DropReason.NOT_FROM_TARGET));
        assertEquals(0, fx().counters().get(Counter.ERRORS_SENT));
    }

    @Test
    void aReplyToAnAddressThatWasNeverIssuedIsDropped() throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);
        inbox.roundTrip(COMPONENT);

        EchoIq stray = new EchoIq("stray");
        stray.setType(IQ.Type.result);
        stray.setTo(jid(COMPONENT + "/AAAAAAAAAAAAAAAAAAAAAAA"));
        stray.setStanzaId("stray-1");
        fx().bot("a").connection.sendStanza(stray);
        fx().awaitDropped(DropReason.UNKNOWN_TOKEN, 1);

        inbox.roundTrip(COMPONENT);
        assertEquals(2, inbox.all().size(), () -> "only the two round trips: " + inbox.all());
        assertEquals(1, fx().counters().droppedTotal());
    }
}
