package io.clientproxy.standalone;

import java.io.BufferedWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One XEP-0114 connection: the socket, the stream header and handshake, the reader of incoming
 * stanzas and the (thread-safe) writer. It is used once; reconnecting means a new instance.
 *
 * <p>{@link #abort()} may be called from any thread at any time, including while another thread
 * is connecting, reading or blocked in a write: closing the socket is what unblocks them.
 */
final class ComponentStream {
    static final String ACCEPT_NS = "jabber:component:accept";
    static final String STREAMS_NS = "http://etherx.jabber.org/streams";

    private final String host;
    private final int port;
    private final Socket socket = new Socket();
    private final ReentrantLock writeLock = new ReentrantLock();
    private Writer writer;
    private StanzaReader reader;
    private String errorName = "stream:error";
    private String streamId;
    /** Set under the write lock once {@code </stream:stream>} is written: nothing may follow it. */
    private volatile boolean streamClosed;

    ComponentStream(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Connects and authenticates as {@code domain}. Each step (connect, each server answer) may
     * take up to {@code timeout}.
     *
     * @throws StreamErrorException when the server refuses with a stream error (e.g. not-authorized)
     * @throws IOException          when the connection fails or the server breaks the protocol
     */
    void open(String domain, String secret, Duration timeout) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        socket.connect(new InetSocketAddress(host, port), millis);
        socket.setSoTimeout(millis);
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        writer = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
        write("<stream:stream xmlns=\"" + ACCEPT_NS + "\" xmlns:stream=\"" + STREAMS_NS + "\" to=\""
                + XmlEscape.attribute(domain) + "\">");
        reader = new StanzaReader(socket.getInputStream());
        XmlElement header = reader.readHeader();
        String root = header.name();
        int colon = root.indexOf(':');
        if (!root.substring(colon + 1).equals("stream")) {
            throw new IOException("the server answered with <" + root + "> instead of a stream header");
        }
        // The error element uses whatever prefix the server bound to the streams namespace.
        errorName = colon < 0 ? "error" : root.substring(0, colon) + ":error";
        streamId = header.attribute("id");
        if (streamId == null || streamId.isEmpty()) {
            throw failure(reader.next(), "sent no stream id");
        }
        write("<handshake>" + Handshake.digest(streamId, secret) + "</handshake>");
        XmlElement answer = reader.next();
        if (answer == null || !answer.name().equals("handshake")) {
            throw failure(answer, "did not accept the handshake");
        }
        socket.setSoTimeout(0);
    }

    /** Why the server's element (or end of stream) is not what the handshake expected. */
    private IOException failure(XmlElement got, String what) {
        if (got == null) {
            return new EOFException("the server closed the stream during the handshake");
        }
        if (isStreamError(got)) {
            return StreamErrorException.from(got);
        }
        return new IOException("the server " + what + " (got <" + got.name() + ">)");
    }

    private boolean isStreamError(XmlElement e) {
        return e.name().equals(errorName);
    }

    /** The id the server gave the stream. */
    String streamId() {
        return streamId;
    }

    /**
     * Hands every received top-level element to {@code stanzas}, on the calling thread, until the
     * server closes the stream ({@code </stream:stream>}, then this returns).
     *
     * @throws StreamErrorException when the server ends the stream with an error
     * @throws IOException          when the connection breaks
     */
    void read(Consumer<XmlElement> stanzas) throws IOException {
        XmlElement e;
        while ((e = reader.next()) != null) {
            if (isStreamError(e)) {
                throw StreamErrorException.from(e);
            }
            stanzas.accept(e);
        }
    }

    /** Writes one stanza. Thread-safe; stanzas from one thread go out in order. */
    void send(XmlElement stanza) throws IOException {
        write(stanza.toXml());
    }

    private void write(String xml) throws IOException {
        writeLock.lock();
        try {
            if (streamClosed) {
                throw new IOException("the stream is closed");
            }
            writer.write(xml);
            writer.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Ends our side of the stream with {@code </stream:stream>}; the server answers with its own,
     * which ends {@link #read}. Waits at most {@code timeout} for a write in progress.
     */
    void closeStream(Duration timeout) {
        try {
            if (!writeLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (!streamClosed && writer != null) {
                streamClosed = true;
                writer.write("</stream:stream>");
                writer.flush();
            }
        } catch (IOException e) {
            // the connection is gone already: nothing left to end politely
        } finally {
            writeLock.unlock();
        }
    }

    /** True once we have ended the stream: a write failing now is expected, not a broken connection. */
    boolean isEnding() {
        return streamClosed;
    }

    /** Closes the socket at once, without ending the stream: a reset, as a crash or a cable pull would. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // not connected yet or closed already; close() below is all that matters
        }
        close();
    }

    /** Closes the socket (after {@link #closeStream}, for a polite end). Idempotent. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is best effort; the socket is unusable either way
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
