package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole standalone proxy against a scripted server: what goes over the wire, and when. */
@Timeout(30)
class StandaloneProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

    private FakeComponentServer server;
    private StandaloneProxy proxy;

    @BeforeEach
    void startServer() throws Exception {
        server = new FakeComponentServer("pw");
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    private StandaloneProxy start(String secret) {
        proxy = StandaloneProxy.start(StandaloneSettings.builder()
                .server("127.0.0.1", server.port())
                .component("proxy.localhost", secret)
                .target("bot@localhost")
                .reconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .statsInterval(Duration.ZERO)
                .build());
        return proxy;
    }

    /** A connected proxy that has seen resource bot@localhost/a come online. */
    private FakeComponentServer.Session connectedWithResource() throws Exception {
        start("pw");
        FakeComponentServer.Session s = server.nextSession(WAIT);
        assertTrue(proxy.awaitConnected(WAIT));
        XmlElement subscribe = s.next("presence", WAIT);
        assertEquals("subscribe", subscribe.attribute("type"));
        s.send("<presence from='bot@localhost/a' to='proxy.localhost'><priority>3</priority></presence>");
        assertTrue(proxy.awaitOnlineResources(1, WAIT));
        return s;
    }

    /** Sends alice's request and returns it as the target receives it. */
    private static XmlElement request(FakeComponentServer.Session s, String id) throws Exception {
        s.send("<iq type='get' id='" + id + "' from='alice@localhost/phone' to='proxy.localhost'>"
                + "<query xmlns='urn:example:echo'><say>hi &amp; bye</say></query></iq>");
        XmlElement forwarded = s.next("iq", WAIT);
        assertEquals("bot@localhost/a", forwarded.attribute("to"));
        assertTrue(forwarded.attribute("from").startsWith("proxy.localhost/"), forwarded.toXml());
        return forwarded;
    }

    private static void assertError(XmlElement e, String id, String to, String type, String condition) {
        assertEquals("iq", e.name(), e.toXml());
        assertEquals("error", e.attribute("type"), e.toXml());
        assertEquals(id, e.attribute("id"));
        assertEquals("proxy.localhost", e.attribute("from"));
        assertEquals(to, e.attribute("to"));
        XmlElement error = e.element("error");
        assertEquals(type, error.attribute("type"), e.toXml());
        assertEquals(STANZAS, error.elements().get(0).attribute("xmlns"));
        assertEquals(condition, error.elements().get(0).name(), e.toXml());
        assertEquals("en", error.element("text").attribute("xml:lang"));
    }

    @Test
    void subscribesOnConnectAndProbesOnceSubscribed() throws Exception {
        start("pw");
        FakeComponentServer.Session s = server.nextSession(WAIT);
        XmlElement subscribe = s.next(WAIT);
        assertEquals("<presence from=\"proxy.localhost\" to=\"bot@localhost\" type=\"subscribe\"/>", subscribe.toXml());
        s.send("<presence from='bot@localhost' to='proxy.localhost' type='subscribed'/>");
        assertEquals("probe", s.next(WAIT).attribute("type"));
        assertTrue(proxy.isConnected());
    }

    @Test
    void forwardsARequestUnchangedButForTheAddressesAndDeliversTheReply() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        XmlElement forwarded = request(s, "r1");
        assertEquals("<iq type=\"get\" id=\"1.r1\" from=\"" + forwarded.attribute("from") + "\" to=\"bot@localhost/a\">"
                + "<query xmlns=\"urn:example:echo\"><say>hi &amp; bye</say></query></iq>", forwarded.toXml(),
                "payload untouched; the id is this forward's own");
        assertFalse(forwarded.attribute("from").contains("alice"), "opaque by default");

        s.send("<iq type='result' id='1.r1' from='bot@localhost/a' to='" + forwarded.attribute("from") + "'>"
                + "<query xmlns='urn:example:echo'><said>ok</said></query></iq>");
        XmlElement reply = s.next("iq", WAIT);
        assertEquals("<iq type=\"result\" id=\"r1\" from=\"proxy.localhost\" to=\"alice@localhost/phone\">"
                + "<query xmlns=\"urn:example:echo\"><said>ok</said></query></iq>", reply.toXml());
        assertEquals(1, proxy.core().counters().get(Counter.REQUESTS_FORWARDED));
        assertEquals(1, proxy.core().counters().get(Counter.REPLIES_DELIVERED));
        assertTrue(proxy.summary().contains("forwarded=1 delivered=1"), proxy.summary());
    }

    @Test
    void withoutAResourceTheSenderGetsServiceUnavailable() throws Exception {
        start("pw");
        FakeComponentServer.Session s = server.nextSession(WAIT);
        s.send("<iq type='set' id='n1' from='alice@localhost/phone' to='proxy.localhost'><q xmlns='urn:x'/></iq>");
        assertError(s.next("iq", WAIT), "n1", "alice@localhost/phone", "cancel", "service-unavailable");
    }

    @Test
    void requestsPendingAtALossAreAnsweredOnceReconnected() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        request(s, "p1");
        s.drop();

        FakeComponentServer.Session again = server.nextSession(WAIT);
        XmlElement answer = again.next(WAIT);
        assertError(answer, "p1", "alice@localhost/phone", "wait", "service-unavailable");
        assertTrue(answer.element("error").element("text").text().contains("lost its connection"), answer.toXml());
        assertEquals("subscribe", again.next("presence", WAIT).attribute("type"));
        assertTrue(proxy.awaitConnected(WAIT));
        assertEquals(0, proxy.core().resources().size(), "presence comes again after the new subscription");
        assertEquals(1, proxy.counters().get(StandaloneCounter.RECONNECTS));
        assertEquals(1, proxy.counters().get(StandaloneCounter.CONNECTION_LOSSES));
        assertEquals(0, proxy.counters().get(StandaloneCounter.LOST_REQUESTS));
    }

    @Test
    void dropConnectionSeversAndTheProxyComesBack() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        proxy.dropConnection();
        assertFalse(proxy.isConnected());
        assertTrue(s.ended(WAIT));
        FakeComponentServer.Session again = server.nextSession(WAIT);
        assertTrue(proxy.awaitConnected(WAIT));
        assertEquals("subscribe", again.next("presence", WAIT).attribute("type"));
        again.send("<presence from='bot@localhost/b' to='proxy.localhost'/>");
        assertTrue(proxy.awaitOnlineResources(1, WAIT));
        assertEquals("bot@localhost/b", proxy.core().resources().snapshot()[0].jid().toString());
    }

    @Test
    void closeAnswersPendingRequestsThenEndsTheStream() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        request(s, "c1");
        proxy.close();
        XmlElement answer = s.next("iq", WAIT);
        assertError(answer, "c1", "alice@localhost/phone", "wait", "service-unavailable");
        assertTrue(answer.element("error").element("text").text().contains("shutting down"), answer.toXml());
        assertTrue(s.ended(WAIT));
        assertTrue(proxy.isTerminated());
        assertFalse(proxy.awaitConnected(WAIT));
        assertEquals(0, proxy.counters().get(StandaloneCounter.LOST_REQUESTS));
    }

    /**
     * A reconnect that completes while close() runs (the connection thread past its last check
     * for stopping) must not reopen the core: a request arriving then is refused, never forwarded
     * to be lost with the stream.
     */
    @Test
    void aStreamThatComesUpDuringCloseDoesNotReopenTheCore() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        long forwarded = proxy.core().counters().get(Counter.REQUESTS_FORWARDED);
        proxy.close();
        proxy.connected(); // what the connection thread does when its stream comes up late
        proxy.received(XmlElement.parse("<presence from='bot@localhost/a' to='proxy.localhost'/>"));
        proxy.received(XmlElement.parse("<iq type='get' id='late' from='alice@localhost/phone' to='proxy.localhost'>"
                + "<query xmlns='urn:example:echo'/></iq>"));
        assertEquals(forwarded, proxy.core().counters().get(Counter.REQUESTS_FORWARDED), "not forwarded");
        assertEquals(0, proxy.core().pendingCount());
        assertTrue(s.ended(WAIT));
    }

    /** The answers owed across a reconnect are bounded by max-pending plus some: even at its largest value. */
    @Test
    void theLargestMaxPendingStarts() throws Exception {
        proxy = StandaloneProxy.start(StandaloneSettings.builder()
                .server("127.0.0.1", server.port())
                .component("proxy.localhost", "pw")
                .target("bot@localhost")
                .set("max-pending", String.valueOf(Integer.MAX_VALUE))
                .statsInterval(Duration.ZERO)
                .build());
        server.nextSession(WAIT);
        assertTrue(proxy.awaitConnected(WAIT));
    }

    @Test
    void whatCannotBeAnsweredBeforeStoppingIsCountedLost() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        request(s, "l1");
        server.close();
        s.drop();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (proxy.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(proxy.isConnected(), "the proxy noticed the loss");
        long t0 = System.nanoTime();
        proxy.close();
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "close() does not wait for a server that is gone");
        assertEquals(1, proxy.counters().get(StandaloneCounter.LOST_REQUESTS));
        assertEquals(0, proxy.core().pendingCount());
    }

    @Test
    void aRefusedSecretOnTheFirstConnectionIsFinal() throws Exception {
        server.refuseSecret(true);
        start("wrong");
        assertFalse(proxy.awaitConnected(WAIT));
        assertTrue(proxy.awaitTermination(WAIT));
        assertEquals("not-authorized", proxy.failure().orElseThrow().condition());
    }

    @Test
    void aRefusedSecretAfterHavingBeenConnectedIsRetried() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        server.refuseSecret(true);
        s.drop();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (proxy.counters().get(StandaloneCounter.CONNECT_FAILURES) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(proxy.counters().get(StandaloneCounter.CONNECT_FAILURES) >= 2);
        assertFalse(proxy.isTerminated());
        assertTrue(proxy.failure().isEmpty());
        server.refuseSecret(false);
        assertNotNull(server.nextSession(WAIT));
        assertTrue(proxy.awaitConnected(WAIT));
    }

    @Test
    void noServerMeansRetryingNotFailing() throws Exception {
        int port = server.port();
        server.close();
        proxy = StandaloneProxy.start(StandaloneSettings.builder()
                .server("127.0.0.1", port).component("proxy.localhost", "pw").target("bot@localhost")
                .reconnect(Duration.ofMillis(20), Duration.ofMillis(40)).build());
        Thread.sleep(300);
        assertTrue(proxy.counters().get(StandaloneCounter.CONNECT_FAILURES) >= 2);
        assertFalse(proxy.isTerminated());
        proxy.close();
        assertTrue(proxy.isTerminated());
    }

    @Test
    void stanzasThatAreNotForTheCoreAreCountedAndMessagesRefused() throws Exception {
        FakeComponentServer.Session s = connectedWithResource();
        s.send("<foo xmlns='urn:x'/>");
        s.send("<iq type='get' id='bad' from='@@@' to='proxy.localhost'><q xmlns='urn:x'/></iq>");
        s.send("<message id='m1' from='alice@localhost/phone' to='proxy.localhost'><body>hi</body></message>");
        XmlElement refused = s.next("message", WAIT);
        assertEquals("error", refused.attribute("type"));
        assertEquals("m1", refused.attribute("id"));
        assertNull(refused.element("body"));
        assertEquals(1, proxy.counters().get(StandaloneCounter.NOT_A_STANZA));
        assertEquals(1, proxy.core().counters().droppedTotal(), "the IQ without a usable from");
        assertEquals(0, proxy.counters().get(StandaloneCounter.INTERNAL_ERRORS));
    }

    @Test
    void timeoutsAreAnsweredByTheTicker() throws Exception {
        proxy = StandaloneProxy.start(StandaloneSettings.builder()
                .server("127.0.0.1", server.port()).component("proxy.localhost", "pw").target("bot@localhost")
                .requestTimeout(Duration.ofMillis(300)).build());
        FakeComponentServer.Session s = server.nextSession(WAIT);
        s.send("<presence from='bot@localhost/a' to='proxy.localhost'/>");
        assertTrue(proxy.awaitOnlineResources(1, WAIT));
        request(s, "t1");
        assertError(s.next("iq", WAIT), "t1", "alice@localhost/phone", "wait", "remote-server-timeout");
    }
}
