package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.core.JatMode;
import io.clientproxy.e2e.ProsodyServer;
import io.clientproxy.e2e.XmppClients;
import java.time.Duration;
import java.util.Optional;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The standalone proxy against a real Prosody: component {@code proxy.localhost}, a target
 * account {@code bot} with two resources that answer {@link EchoIq}, and a user {@code alice}
 * who asks {@code proxy.localhost} and gets her answers from there.
 */
@Timeout(60)
@ExtendWith(StandaloneProsodyIT.DumpLogOnFailure.class)
class StandaloneProsodyIT {
    static final String COMPONENT = "proxy.localhost";
    static final String SECRET = "s3cret-" + Long.toHexString(System.nanoTime());
    static final Duration WAIT = Duration.ofSeconds(10);

    private static ProsodyServer prosody;
    private static EchoBot botA;
    private static EchoBot botB;
    private static XMPPTCPConnection alice;
    private StandaloneProxy proxy;

    @BeforeAll
    static void startServerAndClients() throws Exception {
        prosody = ProsodyServer.builder().domain("localhost").component(COMPONENT, SECRET).start();
        prosody.register("bot", "bot-pw");
        prosody.register("nobody", "nobody-pw");
        prosody.register("alice", "alice-pw");
        botA = EchoBot.connect(prosody, "bot", "bot-pw", "a");
        botB = EchoBot.connect(prosody, "bot", "bot-pw", "b");
        EchoIq.register();
        alice = XmppClients.connect(prosody, "alice", "alice-pw", "phone", 0);
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable c : new AutoCloseable[] {botA, botB, alice == null ? null : alice::disconnect, prosody}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    static StandaloneSettings.Builder settings(String target) {
        return StandaloneSettings.builder()
                .server(prosody.host(), prosody.componentPort())
                .component(COMPONENT, SECRET)
                .target(target)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .statsInterval(Duration.ZERO);
    }

    private StandaloneProxy start(StandaloneSettings.Builder settings) throws InterruptedException {
        proxy = StandaloneProxy.start(settings.build());
        assertTrue(proxy.awaitConnected(WAIT), "connected to Prosody's component port");
        return proxy;
    }

    private static EchoIq request(String text) throws Exception {
        EchoIq iq = new EchoIq(text);
        iq.setType(IQ.Type.get);
        iq.setTo(JidCreate.domainBareFrom(COMPONENT));
        return iq;
    }

    /** Alice asks; Smack itself checks that the answer comes from proxy.localhost. */
    private static EchoIq ask(String text) throws Exception {
        IQ reply = alice.createStanzaCollectorAndSend(request(text)).nextResultOrThrow(WAIT.toMillis());
        assertEquals(COMPONENT, reply.getFrom().toString());
        return (EchoIq) reply;
    }

    @Test
    void opaqueRequestsReachAResourceAndTheAnswerComesBackFromTheComponent() throws Exception {
        start(settings("bot@localhost"));
        assertTrue(proxy.awaitOnlineResources(2, WAIT), "both resources seen after the subscription: " + proxy.summary());
        EchoIq answer = ask("ping");
        assertTrue(answer.text().startsWith("ping from " + COMPONENT + "/"), answer.text());
        assertFalse(answer.text().contains("alice"), "opaque: the target does not learn who asks: " + answer.text());
        assertTrue(answer.text().endsWith(" at a") || answer.text().endsWith(" at b"), answer.text());
        assertEquals(1, proxy.core().counters().get(Counter.REQUESTS_FORWARDED));
        assertEquals(1, proxy.core().counters().get(Counter.REPLIES_DELIVERED));
    }

    @Test
    void transparentModeShowsTheSendersFullJid() throws Exception {
        start(settings("bot@localhost").jatMode(JatMode.TRANSPARENT));
        assertTrue(proxy.awaitOnlineResources(2, WAIT), proxy.summary());
        EchoIq answer = ask("who");
        assertTrue(answer.text().startsWith("who from " + COMPONENT + "/alice@localhost/phone at "), answer.text());
    }

    @Test
    void withNoResourceOnlineTheSenderGetsServiceUnavailable() throws Exception {
        start(settings("nobody@localhost"));
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class, () -> ask("anyone?"));
        assertEquals(StanzaError.Condition.service_unavailable, e.getStanzaError().getCondition());
        assertEquals(COMPONENT, e.getStanza().getFrom().toString());
    }

    @Test
    void afterTheConnectionDropsTheProxyResubscribesAndServesAgain() throws Exception {
        start(settings("bot@localhost"));
        assertTrue(proxy.awaitOnlineResources(2, WAIT), proxy.summary());
        assertTrue(ask("before").text().startsWith("before from "));

        proxy.dropConnection();
        assertTrue(proxy.awaitConnected(WAIT), "reconnected: " + proxy.summary());
        assertTrue(proxy.awaitOnlineResources(2, WAIT), "the probe found both resources again: " + proxy.summary());
        assertTrue(ask("after").text().startsWith("after from "));
        assertEquals(1, proxy.counters().get(StandaloneCounter.RECONNECTS));
        assertTrue(proxy.core().counters().get(Counter.SUBSCRIBES_SENT) >= 2, "subscribed again on the new stream");
    }

    @Test
    void aRequestPendingWhenTheConnectionDropsIsAnsweredAfterReconnecting() throws Exception {
        start(settings("bot@localhost"));
        assertTrue(proxy.awaitOnlineResources(2, WAIT), proxy.summary());
        StanzaCollector pending = alice.createStanzaCollectorAndSend(request(EchoBot.HOLD));
        awaitPending(1);

        proxy.dropConnection();
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                () -> pending.nextResultOrThrow(WAIT.toMillis()));
        assertEquals(StanzaError.Condition.service_unavailable, e.getStanzaError().getCondition());
        assertEquals(StanzaError.Type.WAIT, e.getStanzaError().getType());
        assertTrue(e.getStanzaError().getDescriptiveText().contains("lost its connection"), e.getStanzaError().toString());
        assertEquals(COMPONENT, e.getStanza().getFrom().toString());
        assertEquals(0, proxy.counters().get(StandaloneCounter.LOST_REQUESTS));
    }

    @Test
    void closingAnswersPendingRequestsBeforeTheStreamEnds() throws Exception {
        start(settings("bot@localhost"));
        assertTrue(proxy.awaitOnlineResources(2, WAIT), proxy.summary());
        StanzaCollector pending = alice.createStanzaCollectorAndSend(request(EchoBot.HOLD));
        awaitPending(1);

        proxy.close();
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                () -> pending.nextResultOrThrow(WAIT.toMillis()));
        assertEquals(StanzaError.Condition.service_unavailable, e.getStanzaError().getCondition());
        assertTrue(e.getStanzaError().getDescriptiveText().contains("shutting down"), e.getStanzaError().toString());
        assertEquals(0, proxy.counters().get(StandaloneCounter.LOST_REQUESTS));
    }

    @Test
    void aWrongSecretStopsTheProxy() throws Exception {
        proxy = StandaloneProxy.start(settings("bot@localhost").component(COMPONENT, "wrong").build());
        assertTrue(proxy.awaitTermination(WAIT));
        assertEquals(Optional.of("not-authorized"), proxy.failure().map(StreamErrorException::condition));
    }

    private void awaitPending(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (proxy.core().pendingCount() < n) {
            assertTrue(System.nanoTime() < deadline, "request reached the target: " + proxy.summary());
            Thread.sleep(10);
        }
    }

    static Jid jid(String s) throws Exception {
        return JidCreate.from(s);
    }

    private static volatile ProsodyServer forLogs;

    /** Another suite's Prosody, whose log {@link DumpLogOnFailure} prints. */
    static void prosodyForLogs(ProsodyServer server) {
        forLogs = server;
    }

    /** Prints the tail of Prosody's log when a test fails. */
    static final class DumpLogOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            ProsodyServer p = forLogs != null ? forLogs : prosody;
            if (p != null) {
                System.err.println("=== " + context.getDisplayName() + " failed; Prosody log tail ===\n" + p.logTail(80));
            }
        }
    }
}
