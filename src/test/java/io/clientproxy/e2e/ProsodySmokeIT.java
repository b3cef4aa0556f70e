package io.clientproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.jxmpp.jid.impl.JidCreate;

/** Checks the e2e harness itself: a private Prosody, Smack clients, and a raw XEP-0114 component. */
@ExtendWith(ProsodySmokeIT.DumpLogOnFailure.class)
class ProsodySmokeIT {

    private static final String COMPONENT = "proxy.localhost";
    private static final String SECRET = "s3cret-" + Long.toHexString(System.nanoTime());

    private static ProsodyServer prosody;

    @BeforeAll
    static void startProsody() {
        long t0 = System.nanoTime();
        prosody = ProsodyServer.builder().domain("localhost").component(COMPONENT, SECRET).start();
        System.out.printf("started %s in %d ms%n", prosody, (System.nanoTime() - t0) / 1_000_000);
        prosody.register("alice", "alice-pw");
        prosody.register("bob", "bob-pw");
    }

    @AfterAll
    static void stopProsody() {
        if (prosody != null) {
            long t0 = System.nanoTime();
            var dir = prosody.directory();
            prosody.close();
            System.out.printf("stopped Prosody in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            if (!Boolean.getBoolean("prosody.keep")) {
                assertTrue(Files.notExists(dir), "temp dir should be deleted: " + dir);
            }
        }
    }

    @Test
    void serverRunsAsExpected() throws Exception {
        assertTrue(prosody.isAlive());
        assertEquals(prosody.pid(), Long.parseLong(Files.readString(prosody.directory().resolve("prosody.pid")).trim()));
        assertTrue(ProcessHandle.of(prosody.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(prosody.log().contains("Activated service 'c2s'"), prosody.log());
    }

    @Test
    void clientSendsIqToOtherClientsFullJid() throws Exception {
        try (AutoCloseableConn a = new AutoCloseableConn(XmppClients.connect(prosody, "alice", "alice-pw", "phone", 5));
                AutoCloseableConn b = new AutoCloseableConn(XmppClients.connect(prosody, "bob", "bob-pw", "desk", 10))) {
            PingManager.getInstanceFor(b.conn); // registers B's urn:xmpp:ping handler
            assertEquals("bob@localhost/desk", b.conn.getUser().toString());

            Ping ping = new Ping(b.conn.getUser());
            IQ result = a.conn.createStanzaCollectorAndSend(ping).nextResultOrThrow();
            assertEquals(IQ.Type.result, result.getType());
            assertEquals(b.conn.getUser(), result.getFrom());
            assertEquals(a.conn.getUser(), result.getTo());
        }
    }

    @Test
    void componentPortAcceptsXep0114HandshakeAndRoutesStanzas() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(prosody.host(), prosody.componentPort()), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StanzaReader in = new StanzaReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));

            write(out, "<stream:stream xmlns='jabber:component:accept'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='" + COMPONENT + "'>");
            String header = in.readUntil(Pattern.compile("<stream:stream[^>]*>"));
            Matcher id = Pattern.compile("\\sid=['\"]([^'\"]+)['\"]").matcher(header);
            assertTrue(id.find(), "no stream id in " + header);

            write(out, "<handshake>" + sha1Hex(id.group(1) + SECRET) + "</handshake>");
            String reply = in.readUntil(Pattern.compile("<handshake\\s*/>|<handshake>\\s*</handshake>|</stream:error>"));
            assertTrue(reply.contains("<handshake"), "handshake rejected: " + reply);

            // The component is now routed: an IQ from a client arrives on the raw socket.
            try (AutoCloseableConn a = new AutoCloseableConn(XmppClients.connect(prosody, "alice", "alice-pw", "laptop", 0))) {
                Ping ping = new Ping(JidCreate.domainBareFrom(COMPONENT));
                var collector = a.conn.createStanzaCollectorAndSend(ping);
                String iq = in.readUntil(Pattern.compile("<iq\\b.*?(</iq>|/>)", Pattern.DOTALL));
                assertTrue(iq.contains("urn:xmpp:ping"), iq);
                assertTrue(iq.contains("alice@localhost/laptop"), iq);
                write(out, "<iq type='result' from='" + COMPONENT + "' to='alice@localhost/laptop' id='"
                        + ping.getStanzaId() + "'/>");
                IQ result = collector.nextResultOrThrow();
                assertEquals(IQ.Type.result, result.getType());
                assertEquals(COMPONENT, result.getFrom().toString());
            }
            write(out, "</stream:stream>");
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private static void write(OutputStream out, String xml) throws IOException {
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String sha1Hex(String s) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads characters until a pattern matches the unconsumed input; returns up to the match end. */
    private static final class StanzaReader {
        private final Reader reader;
        private final StringBuilder buf = new StringBuilder();

        StanzaReader(Reader reader) {
            this.reader = reader;
        }

        String readUntil(Pattern p) throws IOException {
            char[] chunk = new char[4096];
            while (true) {
                Matcher m = p.matcher(buf);
                if (m.find()) {
                    String s = buf.substring(0, m.end());
                    buf.delete(0, m.end());
                    return s;
                }
                int n;
                try {
                    n = reader.read(chunk);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("timed out waiting for " + p + "; got: " + buf, e);
                }
                if (n < 0) {
                    throw new AssertionError("stream closed waiting for " + p + "; got: " + buf);
                }
                buf.append(chunk, 0, n);
            }
        }
    }

    private record AutoCloseableConn(XMPPTCPConnection conn) implements AutoCloseable {
        AutoCloseableConn {
            assertNotNull(conn);
        }

        @Override
        public void close() {
            conn.disconnect();
        }
    }

    /** Prints the tail of Prosody's log when a test fails. */
    static final class DumpLogOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            Optional.ofNullable(prosody).ifPresent(p -> System.err.println(
                    "=== " + context.getDisplayName() + " failed; Prosody log tail (" + p + ") ===\n" + p.logTail(200)));
        }
    }
}
