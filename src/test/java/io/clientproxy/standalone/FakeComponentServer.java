package io.clientproxy.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server side of XEP-0114 on loopback, for tests that need to control exactly what the
 * server says and when (a secret refused, a connection cut at a chosen moment) without Prosody.
 * Accepts connections on its own thread; each authenticated one becomes a {@link Session}.
 */
final class FakeComponentServer implements AutoCloseable {
    private static final XmlElement END = XmlElement.builder("end-of-stream").build();

    private final String secret;
    private final ServerSocket server;
    private final Thread acceptor;
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
    private volatile boolean refuseSecret;
    private volatile int handshakes;

    FakeComponentServer(String secret) throws IOException {
        this.secret = secret;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-component-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, answer every handshake with not-authorized. */
    void refuseSecret(boolean refuse) {
        this.refuseSecret = refuse;
    }

    int handshakes() {
        return handshakes;
    }

    /** The next authenticated connection; fails the test after the timeout. */
    Session nextSession(Duration timeout) throws InterruptedException {
        Session s = sessions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new AssertionError("no component connected within " + timeout);
        }
        return s;
    }

    private void acceptLoop() {
        int n = 0;
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                String id = "fake-" + (++n);
                Thread t = new Thread(() -> handshake(socket, id), "fake-session-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handshake(Socket socket, String id) {
        try {
            StanzaReader in = new StanzaReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            XmlElement header = in.readHeader();
            write(out, "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'"
                    + " xmlns='jabber:component:accept' id='" + id + "' from='" + header.attribute("to") + "'>");
            XmlElement hs = in.next();
            if (refuseSecret || hs == null || !ComponentStream.handshake(id, secret).equals(hs.text())) {
                write(out, "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Unable to authenticate</text>"
                        + "</stream:error></stream:stream>");
                socket.close();
                return;
            }
            write(out, "<handshake/>");
            handshakes++;
            Session session = new Session(socket, in, out, header);
            sessions.add(session);
            session.readLoop();
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // test server: nothing to do
            }
        }
    }

    private static void write(OutputStream out, String xml) throws IOException {
        synchronized (out) {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** One authenticated component connection, seen from the server. */
    static final class Session {
        final XmlElement header;
        private final Socket socket;
        private final StanzaReader in;
        private final OutputStream out;
        private final BlockingQueue<XmlElement> received = new LinkedBlockingQueue<>();
        private final java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean stopReading;

        Session(Socket socket, StanzaReader in, OutputStream out, XmlElement header) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.header = header;
        }

        private void readLoop() {
            try {
                XmlElement e;
                while (true) {
                    if (stopReading) {
                        reading.await(); // never resumed: the socket is left to fill up
                    }
                    if ((e = in.next()) == null) {
                        break;
                    }
                    received.add(e);
                }
                // The component ended its stream: end ours, as a server does.
                write(out, "</stream:stream>");
                socket.close();
            } catch (IOException | InterruptedException e) {
                // connection gone
            } finally {
                received.add(END);
            }
        }

        void send(String xml) throws IOException {
            write(out, xml);
        }

        /** The next element the component sent; fails the test after the timeout or at the end of its stream. */
        XmlElement next(Duration timeout) throws InterruptedException {
            XmlElement e = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("the component sent nothing within " + timeout);
            }
            if (e == END) {
                received.add(END);
                throw new AssertionError("the component's stream ended");
            }
            return e;
        }

        /** The next element with this name, skipping others. */
        XmlElement next(String name, Duration timeout) throws InterruptedException {
            while (true) {
                XmlElement e = next(timeout);
                if (e.name().equals(name)) {
                    return e;
                }
            }
        }

        /** True once the component has ended its stream (or the connection), within the timeout. */
        boolean ended(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                XmlElement e = received.poll(10, TimeUnit.MILLISECONDS);
                if (e == END) {
                    received.add(END);
                    return true;
                }
            }
            return false;
        }

        /**
         * From now on reads nothing more from the component (after the element being read), as a
         * server that has stopped working but keeps the connection open: the component's writes
         * fill the socket's buffers and then block.
         */
        void stopReading() {
            stopReading = true;
        }

        /** Cuts the connection without a word, as a server crash would. */
        void drop() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        void closeStream() throws IOException {
            write(out, "</stream:stream>");
        }
    }
}
