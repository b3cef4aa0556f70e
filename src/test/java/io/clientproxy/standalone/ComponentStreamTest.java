package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ComponentStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void handshakeThenStanzasBothWaysThenAPoliteEnd() throws Exception {
        try (FakeComponentServer server = new FakeComponentServer("pw")) {
            ComponentStream stream = new ComponentStream("127.0.0.1", server.port());
            stream.open("proxy.localhost", "pw", WAIT);
            assertEquals("fake-1", stream.streamId());
            FakeComponentServer.Session session = server.nextSession(WAIT);
            assertEquals("proxy.localhost", session.header.attribute("to"));
            assertEquals("jabber:component:accept", session.header.attribute("xmlns"));

            stream.send(XmlElement.parse("<presence from='proxy.localhost' to='bot@localhost' type='subscribe'/>"));
            assertEquals("subscribe", session.next(WAIT).attribute("type"));

            List<XmlElement> got = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try {
                    stream.read(got::add);
                } catch (IOException e) {
                    got.add(XmlElement.builder("failed").text(e.toString()).build());
                }
            });
            reader.start();
            session.send("<iq type='get' id='1' from='alice@localhost/r' to='proxy.localhost'><q xmlns='urn:x'/></iq>");
            session.send("<message from='a@b/c'><body>&lt;hi&gt;</body></message>");
            session.closeStream();
            reader.join(WAIT.toMillis());
            assertEquals(2, got.size(), got.toString());
            assertEquals("<hi>", got.get(1).element("body").text());

            stream.closeStream(WAIT);
            assertTrue(session.ended(WAIT));
            assertThrows(IOException.class, () -> stream.send(XmlElement.parse("<presence/>")),
                    "nothing may follow </stream:stream>");
            stream.close();
        }
    }

    @Test
    void aWrongSecretIsAStreamErrorNotAuthorized() throws Exception {
        try (FakeComponentServer server = new FakeComponentServer("right")) {
            ComponentStream stream = new ComponentStream("127.0.0.1", server.port());
            StreamErrorException e = assertThrows(StreamErrorException.class, () -> stream.open("proxy.localhost", "wrong", WAIT));
            assertTrue(e.isNotAuthorized());
            stream.abort();
        }
    }

    @Test
    void aServerThatClosesDuringTheHandshakeIsReported() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    StanzaReader in = new StanzaReader(s.getInputStream());
                    in.readHeader();
                    s.getOutputStream().write("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='x'>".getBytes());
                    in.next();
                    s.getOutputStream().write("</stream:stream>".getBytes());
                } catch (IOException ignored) {
                    // the test checks the client's view
                }
            });
            t.start();
            ComponentStream stream = new ComponentStream("127.0.0.1", server.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> stream.open("proxy.localhost", "pw", WAIT));
            assertTrue(e.getMessage().contains("closed the stream during the handshake"), e.getMessage());
            stream.abort();
        }
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            ComponentStream stream = new ComponentStream("127.0.0.1", server.getLocalPort());
            long t0 = System.nanoTime();
            assertThrows(java.net.SocketTimeoutException.class, () -> stream.open("proxy.localhost", "pw", Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos());
            stream.abort();
        }
    }
}
