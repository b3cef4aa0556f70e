package io.clientproxy.standalone;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One XEP-0114 connection: the socket, the stream header and handshake, the reader of incoming
 * stanzas and the (thread-safe) writer. It is used once; reconnecting means a new instance.
 *
 * <p>{@link #abort()} may be called from any thread at any time, including while another thread
 * is connecting, reading or blocked in a write: closing the socket is what unblocks them.
 *
 * <p>Writes are batched on the reading thread: what it sends while handling the stanzas it has
 * read (the forwards and answers they cause) is collected and goes out in one socket write
 * just before it reads from the socket again, which it does only when the stanzas already
 * received are all handled, or earlier once {@link #BATCH_BYTES} are waiting. Under load that is
 * one write system call for many stanzas instead of one each (and fewer, larger reads for the
 * server); when idle, an answer goes out as soon as the stanza that caused it is handled, as
 * before. Any other thread's stanza is written at once, together with whatever is waiting. If
 * a batched write fails, the stanzas in it are handed to the {@code unsent} callback, as a
 * failed {@link #send} reports its own stanza to its caller.
 */
final class ComponentStream {
    static final String ACCEPT_NS = "jabber:component:accept";
    static final String STREAMS_NS = "http://etherx.jabber.org/streams";
    /** The reading thread's stanzas are written at the latest when this many bytes are waiting. */
    static final int BATCH_BYTES = 16 * 1024;
    private static final int KEEP_TEXT_AT_MOST = 64 * 1024;

    private final String host;
    private final int port;
    private final Consumer<XmlElement> unsent;
    private final Socket socket = new Socket();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The socket's output; guarded by the write lock, as are the three fields below. */
    private OutputStream output;
    private final Utf8Buffer pending = new Utf8Buffer();
    private StringBuilder text = new StringBuilder(512);
    /** The reading thread's stanzas in {@link #pending}, in order. */
    private final List<XmlElement> batched = new ArrayList<>();
    /** The thread inside {@link #read}, whose writes are batched; null outside it. */
    private volatile Thread readingThread;
    private StanzaReader reader;
    private String errorName = "stream:error";
    private String streamId;
    /** Set under the write lock once {@code </stream:stream>} is written: nothing may follow it. */
    private volatile boolean streamClosed;

    ComponentStream(String host, int port) {
        this(host, port, stanza -> { });
    }

    /**
     * @param unsent gets each batched stanza whose write failed (on the thread that found out,
     *               never under a lock), in the order they were sent
     */
    ComponentStream(String host, int port, Consumer<XmlElement> unsent) {
        this.host = host;
        this.port = port;
        this.unsent = unsent;
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
        output = socket.getOutputStream();
        write("<stream:stream xmlns=\"" + ACCEPT_NS + "\" xmlns:stream=\"" + STREAMS_NS + "\" to=\""
                + XmlEscape.attribute(domain) + "\">");
        reader = new StanzaReader(new FlushBeforeRead(socket.getInputStream()));
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
        readingThread = Thread.currentThread();
        try {
            XmlElement e;
            while ((e = reader.next()) != null) {
                if (isStreamError(e)) {
                    throw StreamErrorException.from(e);
                }
                stanzas.accept(e);
            }
        } finally {
            readingThread = null;
            try {
                flushBatch();
            } catch (IOException e) {
                // reported to unsent; the reason the stream ended is what the caller needs
            }
        }
    }

    /**
     * Writes one stanza. Thread-safe; stanzas from one thread go out in order. On the reading
     * thread it may only be queued for the next batch (see the class comment); then a failure
     * shows later, through the {@code unsent} callback.
     *
     * @throws IOException when the write failed (this stanza is not reported to {@code unsent})
     */
    void send(XmlElement stanza) throws IOException {
        boolean batch = Thread.currentThread() == readingThread;
        List<XmlElement> lost = null;
        writeLock.lock();
        try {
            if (streamClosed) {
                throw new IOException("the stream is closed");
            }
            text.setLength(0);
            stanza.appendTo(text);
            pending.append(text);
            if (text.capacity() > KEEP_TEXT_AT_MOST) {
                text = new StringBuilder(512);
            }
            if (batch && pending.size() < BATCH_BYTES) {
                batched.add(stanza);
                return;
            }
            try {
                writePending();
            } catch (IOException e) {
                lost = takeBatched();
                throw e;
            }
        } finally {
            writeLock.unlock();
            report(lost);
        }
    }

    private void write(String xml) throws IOException {
        List<XmlElement> lost = null;
        writeLock.lock();
        try {
            if (streamClosed) {
                throw new IOException("the stream is closed");
            }
            pending.append(xml);
            try {
                writePending();
            } catch (IOException e) {
                lost = takeBatched();
                throw e;
            }
        } finally {
            writeLock.unlock();
            report(lost);
        }
    }

    /** Writes the reading thread's batch, if any. */
    private void flushBatch() throws IOException {
        List<XmlElement> lost = null;
        writeLock.lock();
        try {
            if (pending.size() == 0 || output == null) {
                return;
            }
            try {
                writePending();
            } catch (IOException e) {
                lost = takeBatched();
                throw e;
            }
        } finally {
            writeLock.unlock();
            report(lost);
        }
    }

    /** Under the write lock: everything waiting goes to the socket in one write. */
    private void writePending() throws IOException {
        pending.writeTo(output);
        batched.clear();
    }

    /** Under the write lock, after a failed write: the batched stanzas it took with it. */
    private List<XmlElement> takeBatched() {
        if (batched.isEmpty()) {
            return null;
        }
        List<XmlElement> lost = new ArrayList<>(batched);
        batched.clear();
        return lost;
    }

    private void report(List<XmlElement> lost) {
        if (lost != null) {
            for (XmlElement stanza : lost) {
                unsent.accept(stanza);
            }
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
        List<XmlElement> lost = null;
        try {
            if (!streamClosed && output != null) {
                streamClosed = true;
                pending.append("</stream:stream>");
                writePending();
            }
        } catch (IOException e) {
            // the connection is gone already: nothing left to end politely
            lost = takeBatched();
        } finally {
            writeLock.unlock();
            report(lost);
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

    /** The socket's input: the reading thread's batch goes out before it asks the socket for more. */
    private final class FlushBeforeRead extends FilterInputStream {
        FlushBeforeRead(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            flushBatch();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            flushBatch();
            return super.read(b, off, len);
        }
    }
}
