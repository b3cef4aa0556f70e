package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keepalive and deadlines against a scripted server over a real socket: a server that goes
 * silent or stops reading is given up within the configured time and the proxy reconnects; one
 * that answers the pings is kept.
 */
@Timeout(30)
class LivenessTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration KEEPALIVE = Duration.ofMillis(300);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(1000);
    /** The timer checks every 250 ms; the reconnect waits reconnect-min (50 ms). */
    private static final Duration SLACK = Duration.ofMillis(1000);

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

    private FakeComponentServer.Session start() throws Exception {
        return start(READ_TIMEOUT);
    }

    private FakeComponentServer.Session start(Duration readTimeout) throws Exception {
        proxy = StandaloneProxy.start(StandaloneSettings.builder()
                .server("127.0.0.1", server.port())
                .component("proxy.localhost", "pw")
                .target("bot@localhost")
                .reconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .statsInterval(Duration.ZERO)
                .set(StandaloneSettings.KEEPALIVE_INTERVAL, KEEPALIVE.toString())
                .set(StandaloneSettings.READ_TIMEOUT, readTimeout.toString())
                .set(StandaloneSettings.WRITE_TIMEOUT, WRITE_TIMEOUT.toString())
                .build());
        return server.nextSession(WAIT);
    }

    @Test
    void aSilentServerIsPingedThenGivenUpWithinTheReadTimeoutAndTheProxyReconnects() throws Exception {
        FakeComponentServer.Session first = start();
        long connected = System.nanoTime();
        XmlElement ping = first.next("iq", WAIT);
        assertEquals("get", ping.attribute("type"));
        assertEquals("localhost", ping.attribute("to"), "to the server (the target's domain)");
        assertEquals("urn:xmpp:ping", ping.element("ping").attribute("xmlns"));
        // The fake server answers nothing: from the proxy's side, a path that silently died.
        FakeComponentServer.Session second = server.nextSession(READ_TIMEOUT.plus(SLACK).plus(SLACK));
        long took = System.nanoTime() - connected;
        assertTrue(took >= READ_TIMEOUT.toNanos(), "not before read-timeout: " + took / 1_000_000 + " ms");
        assertTrue(took <= READ_TIMEOUT.plus(SLACK).toNanos(), "within read-timeout and a check: " + took / 1_000_000 + " ms");
        assertTrue(first.ended(WAIT), "the dead stream was closed");
        assertEquals(1, proxy.counters().get(StandaloneCounter.READ_TIMEOUTS));
        assertTrue(proxy.awaitConnected(WAIT));
        assertEquals("subscribe", second.next("presence", WAIT).attribute("type"), "subscribed again on the new stream");
    }

    @Test
    void aServerThatAnswersThePingsIsKept() throws Exception {
        FakeComponentServer.Session s = start();
        long until = System.nanoTime() + READ_TIMEOUT.multipliedBy(3).toNanos();
        int pings = 0;
        while (System.nanoTime() < until) {
            XmlElement ping = s.next("iq", WAIT);
            s.send("<iq type='result' id='" + ping.attribute("id") + "' from='localhost' to='proxy.localhost'/>");
            pings++;
        }
        assertTrue(pings >= 5, "a ping every keepalive-interval of quiet: " + pings);
        assertEquals(0, proxy.counters().get(StandaloneCounter.READ_TIMEOUTS));
        assertEquals(1, server.handshakes(), "never reconnected");
        assertEquals(0, proxy.core().counters().droppedTotal(), "the answers to the pings reach nothing else");
    }

    @Test
    void aServerThatStopsReadingIsGivenUpWithinTheWriteTimeoutWithoutBlockingTheTimer() throws Exception {
        // A long read-timeout: only the stalled write may end this stream.
        FakeComponentServer.Session first = start(Duration.ofSeconds(20));
        first.next("presence", WAIT);
        first.stopReading();
        // Requests whose answers (service-unavailable: no resource is online) carry a 4 KB id
        // back: far more than the socket buffers hold once the server no longer reads.
        String id = "i".repeat(4096);
        for (int i = 0; i < 4000; i++) {
            first.send("<iq type='get' id='" + id + i + "' from='alice@localhost/r' to='proxy.localhost'>"
                    + "<q xmlns='urn:x'/></iq>");
        }
        long sent = System.nanoTime();
        FakeComponentServer.Session second = server.nextSession(WRITE_TIMEOUT.plus(SLACK).plus(WAIT));
        long took = System.nanoTime() - sent;
        assertEquals(1, proxy.counters().get(StandaloneCounter.WRITE_TIMEOUTS), proxy.statistics().toString());
        assertTrue(took <= WRITE_TIMEOUT.plus(SLACK).plus(SLACK).toNanos(), "given up in time: " + took / 1_000_000 + " ms");
        assertTrue(proxy.awaitConnected(WAIT));
        // Answers that could not be written were kept and go out on the new stream.
        XmlElement answer = second.next("iq", WAIT);
        assertEquals("error", answer.attribute("type"));
    }
}
