package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static io.clientproxy.e2e.ProxyFixture.assertResult;
import static io.clientproxy.e2e.ProxyFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ids are unique per stream, not forever (RFC 6120 8.1.3): a sender whose stream dropped while a
 * request was pending comes back with the same full JID and uses the same id again. On a real
 * Prosody: the answer to the new request is the new request's, exactly once; the late answer to
 * the old one reaches nobody, whether the old request was still pending or had timed out.
 */
@Timeout(60)
class IdReuseIT {
    static final String ID = "reused-1";

    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.prosody();

    /** The old request is still pending when the id comes again: it is superseded, never answered. */
    @Test
    void whileTheOldRequestIsPending() throws Exception {
        run(Duration.ofSeconds(30), false);
    }

    /** The old request timed out (its timeout went to the dropped stream): its late answer is not the new one's. */
    @Test
    void afterTheOldRequestTimedOut() throws Exception {
        run(Duration.ofSeconds(2), true);
    }

    private void run(Duration requestTimeout, boolean waitForTimeout) throws Exception {
        FX.connectBot("a");
        FX.startProxy(s -> s.requestTimeout(requestTimeout));
        FX.awaitOnlineResources(1);
        EchoBot bot = FX.bot("a");

        XMPPTCPConnection first = FX.user("alice", "phone");
        EchoIq old = get("hold:old", COMPONENT);
        old.setStanzaId(ID);
        first.sendStanza(old);
        EchoIq atBot = bot.held.poll(10, TimeUnit.SECONDS);
        assertNotNull(atBot, "the bot holds the first request");
        assertNotEquals(ID, atBot.getStanzaId(), "the bot sees the proxy's id for this forward");
        assertTrue(atBot.getStanzaId().endsWith("." + ID), atBot.getStanzaId());
        first.instantShutdown();
        if (waitForTimeout) {
            FX.awaitCounter(Counter.TIMEOUTS, 1);
        }

        XMPPTCPConnection again = FX.user("alice", "phone");
        assertEquals(first.getUser(), again.getUser(), "the same full JID");
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(again);
        EchoIq fresh = get("new", COMPONENT);
        fresh.setStanzaId(ID);
        again.sendStanza(fresh);
        FX.awaitCounter(Counter.REQUESTS_FORWARDED, 2);
        // The bot now answers the old request, late.
        bot.answer(atBot);
        FX.awaitDropped(DropReason.NOT_PENDING, 1);
        ProxyFixture.await("the new request's answer", () -> !inbox.withId(ID).isEmpty());
        inbox.roundTrip(COMPONENT);
        List<IQ> answers = inbox.withId(ID);
        assertEquals(1, answers.size(), "exactly one answer with that id: " + answers);
        EchoIq answer = assertResult(answers.get(0), fresh, again);
        assertTrue(answer.text().startsWith("new from "), "the new request's own answer: " + answer.text());
        assertEquals(waitForTimeout ? 0 : 1, FX.counters().get(Counter.REQUESTS_SUPERSEDED));
    }
}
