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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One XEP-0114 connection: the socket, the stream header and handshake, the reader of incoming
 * stanzas and the (thread-safe) writer. It is used once; reconnecting means a new instance.
 *
 * <p>{@link #abort()} may be called from any thread at any time, including while another thread
 * is connecting, reading or writing: closing the socket is what unblocks them.
 *
 * <p>No caller ever waits for the socket: {@link #send} puts the stanza's bytes in a buffer and
 * returns, and a writer thread of the stream's own writes them out. A server that stops reading
 * therefore stalls only that thread; {@link #writeStalledFor} tells how long its current write
 * has taken, so that a watchdog can give the stream up ({@code write-timeout}), and at most
 * {@link #MAX_QUEUED_BYTES} wait in the buffer (beyond that, {@link #send} fails).
 *
 * <p>Writes are batched on the reading thread: what it sends while handling the stanzas it has
 * read (the forwards and answers they cause) is collected and handed to the writer just before
 * it reads from the socket again, which it does only when the stanzas already received are all
 * handled, or earlier once {@link #BATCH_BYTES} are waiting. Under load that is one write system
 * call for many stanzas instead of one each (and fewer, larger reads for the server); when idle,
 * an answer goes out as soon as the stanza that caused it is handled. Any other thread's stanza
 * is handed to the writer at once. If a write fails, the stanzas in it and all still waiting are
 * handed to the {@code unsent} callback.
 */
final class ComponentStream {
    private static final java.util.logging.Logger log = java.util.logging.Logger.getLogger(ComponentStream.class.getName());
    static final String ACCEPT_NS = "jabber:component:accept";
    static final String STREAMS_NS = "http://etherx.jabber.org/streams";
    /** The reading thread's stanzas are handed to the writer at the latest when this many bytes are waiting. */
    static final int BATCH_BYTES = 16 * 1024;
    /** The most bytes that may wait for the writer; a server that lets more pile up is not reading. */
    static final int MAX_QUEUED_BYTES = 16 * 1024 * 1024;
    private static final int KEEP_TEXT_AT_MOST = 64 * 1024;
    /** How long {@link #read} waits, once the stream has ended, for the last answers to be written. */
    private static final Duration FINAL_FLUSH = Duration.ofSeconds(1);

    private final String host;
    private final int port;
    private final Consumer<XmlElement> unsent;
    private final StanzaLimits limits;
    private final Consumer<StanzaLimits.Refused> refused;
    private final Socket socket = new Socket();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Condition writerWork = writeLock.newCondition();
    private final Condition writerIdle = writeLock.newCondition();
    /** Bytes waiting for the writer, and the stanzas among them; guarded by the write lock, as are the fields below. */
    private Utf8Buffer pending = new Utf8Buffer();
    private Utf8Buffer spare = new Utf8Buffer();
    private StringBuilder text = new StringBuilder(512);
    private List<XmlElement> queued = new ArrayList<>();
    /** True while the reading thread's stanzas wait for it to read again (or for BATCH_BYTES). */
    private boolean holdForBatch;
    private boolean writing;
    /** Set once a write failed: nothing more goes out. */
    private IOException writeFailure;
    private Thread writer;
    /** {@link System#nanoTime()} when the write in progress started; 0 when none is. */
    private volatile long writeStarted;
    /** {@link System#nanoTime()} when bytes last arrived from the server. */
    private volatile long lastReceived = System.nanoTime();
    /** The thread inside {@link #read}, whose writes are batched; null outside it. */
    private volatile Thread readingThread;
    private StanzaReader reader;
    private String errorName = "stream:error";
    private String streamId;
    /** Set under the write lock once {@code </stream:stream>} is queued: nothing may follow it. */
    private volatile boolean streamClosed;

    ComponentStream(String host, int port) {
        this(host, port, stanza -> { });
    }

    ComponentStream(String host, int port, Consumer<XmlElement> unsent) {
        this(host, port, unsent, StanzaLimits.DEFAULTS, r -> { });
    }

    /**
     * @param unsent  gets each stanza that {@link #send} accepted but whose write failed (on the
     *                thread that found out, never under a lock), in the order they were sent
     * @param limits  the bounds on each received stanza
     * @param refused gets each received stanza over a limit, on the reading thread
     */
    ComponentStream(String host, int port, Consumer<XmlElement> unsent, StanzaLimits limits,
            Consumer<StanzaLimits.Refused> refused) {
        this.host = host;
        this.port = port;
        this.unsent = unsent;
        this.limits = limits;
        this.refused = refused;
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
        OutputStream output = socket.getOutputStream();
        writer = new Thread(() -> writeLoop(output), "client-proxy-writer-" + domain);
        writer.setDaemon(true);
        writer.start();
        StringBuilder streamHeader = new StringBuilder("<stream:stream xmlns=\"" + ACCEPT_NS + "\" xmlns:stream=\"" + STREAMS_NS + "\" to=\"");
        XmlEscape.append(domain, true, streamHeader);
        write(streamHeader.append("\">").toString());
        reader = new StanzaReader(new FlushBeforeRead(socket.getInputStream()), limits, refused);
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
        lastReceived = System.nanoTime();
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
            // What the last stanzas caused goes out (or is reported unsent) before the caller moves on.
            awaitWritten(FINAL_FLUSH);
        }
    }

    /**
     * Queues one stanza for the writer. Thread-safe; never waits for the socket; stanzas from one
     * thread go out in order. A write failure shows later, through the {@code unsent} callback.
     *
     * @throws IOException when the stream is closed or broken, or the server has stopped reading
     *                     ({@link #MAX_QUEUED_BYTES} waiting); this stanza is not reported to {@code unsent}
     */
    void send(XmlElement stanza) throws IOException {
        boolean batch = Thread.currentThread() == readingThread;
        writeLock.lock();
        try {
            checkOpen();
            text.setLength(0);
            stanza.appendTo(text);
            pending.append(text);
            if (text.capacity() > KEEP_TEXT_AT_MOST) {
                text = new StringBuilder(512);
            }
            queued.add(stanza);
            holdForBatch = batch && pending.size() < BATCH_BYTES;
            if (!holdForBatch) {
                writerWork.signal();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Under the write lock. */
    private void checkOpen() throws IOException {
        if (streamClosed) {
            throw new IOException("the stream is closed");
        }
        if (writeFailure != null) {
            throw new IOException("the connection is broken: " + writeFailure.getMessage(), writeFailure);
        }
        if (pending.size() > MAX_QUEUED_BYTES) {
            throw new IOException("the server is not reading: more than " + MAX_QUEUED_BYTES + " bytes wait to be written");
        }
    }

    private void write(String xml) throws IOException {
        writeLock.lock();
        try {
            checkOpen();
            pending.append(xml);
            holdForBatch = false;
            writerWork.signal();
        } finally {
            writeLock.unlock();
        }
    }

    /** Hands the reading thread's batch, if any, to the writer. */
    private void flushBatch() {
        writeLock.lock();
        try {
            if (holdForBatch) {
                holdForBatch = false;
                writerWork.signal();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** The writer thread: writes whatever is waiting, in one write, until the stream is closed or broken. */
    private void writeLoop(OutputStream output) {
        List<XmlElement> inFlight = new ArrayList<>();
        while (true) {
            Utf8Buffer out;
            writeLock.lock();
            try {
                writing = false;
                writerIdle.signalAll();
                while (pending.size() == 0 || holdForBatch) {
                    if (socket.isClosed() || (streamClosed && pending.size() == 0)) {
                        return;
                    }
                    writerWork.await(200, TimeUnit.MILLISECONDS);
                }
                out = pending;
                pending = spare;
                spare = out;
                List<XmlElement> q = queued;
                queued = inFlight;
                inFlight = q;
                writing = true;
                writeStarted = System.nanoTime() | 1;
            } catch (InterruptedException e) {
                return;
            } finally {
                writeLock.unlock();
            }
            try {
                out.writeTo(output);
                inFlight.clear();
                writeStarted = 0;
            } catch (IOException e) {
                writeStarted = 0;
                failed(e, inFlight);
                return;
            }
        }
    }

    /** After a failed write: nothing more goes out; what was in it or waiting is handed to {@code unsent}. */
    private void failed(IOException e, List<XmlElement> inFlight) {
        List<XmlElement> lost = new ArrayList<>(inFlight);
        writeLock.lock();
        try {
            writeFailure = e;
            lost.addAll(queued);
            queued.clear();
        } finally {
            writeLock.unlock();
        }
        if (!streamClosed) {
            log.fine(() -> "write to " + this + " failed: " + e);
            abort(); // the reader then sees the socket closed and the connection starts over
        }
        try {
            for (XmlElement stanza : lost) {
                unsent.accept(stanza);
            }
        } finally {
            writeLock.lock();
            try {
                writing = false;
                writerIdle.signalAll();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Waits until everything queued has been written (or the write failed), at most {@code timeout}. */
    boolean awaitWritten(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        writeLock.lock();
        try {
            holdForBatch = false;
            writerWork.signal();
            while (writer != null && (writing || (pending.size() > 0 && writeFailure == null && writer.isAlive()))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                writerIdle.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            }
            return writeFailure == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /** How long the write in progress has been under way (zero when none is): the server is not reading. */
    Duration writeStalledFor() {
        long started = writeStarted;
        return started == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
    }

    /** How long since bytes last arrived from the server (whitespace included). */
    Duration quietFor() {
        return Duration.ofNanos(System.nanoTime() - lastReceived);
    }

    /**
     * Ends our side of the stream with {@code </stream:stream>}; the server answers with its own,
     * which ends {@link #read}. Waits at most {@code timeout} for a write in progress.
     */
    void closeStream(Duration timeout) {
        writeLock.lock();
        try {
            if (streamClosed || writer == null || writeFailure != null) {
                return;
            }
            streamClosed = true;
            pending.append("</stream:stream>");
            holdForBatch = false;
            writerWork.signal();
        } finally {
            writeLock.unlock();
        }
        awaitWritten(timeout);
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
            int b = super.read();
            lastReceived = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            flushBatch();
            int n = super.read(b, off, len);
            if (n > 0) {
                lastReceived = System.nanoTime();
            }
            return n;
        }
    }
}
