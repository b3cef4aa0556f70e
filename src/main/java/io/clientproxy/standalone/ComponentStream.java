package io.clientproxy.standalone;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One XEP-0114 connection, used once (reconnecting means a new instance): the socket, the stream
 * header and handshake (XEP-0114 section 3), the reader of incoming stanzas and the writer.
 * {@link #abort()} may be called from any thread at any time, also while another thread connects,
 * reads or writes: closing the socket is what unblocks them.
 *
 * <p>No caller waits for the socket: {@link #send} encodes the stanza into a buffer, and the
 * stream's writer thread writes what is buffered in one write system call. A server that stops
 * reading therefore stalls only that thread; {@link #writeStalledFor} tells for how long, so that
 * a watchdog can give the stream up ({@code write-timeout}), and at most {@link #MAX_QUEUED_BYTES}
 * wait (beyond that, {@link #send} fails).
 *
 * <p>The reading thread's stanzas (the forwards and answers that what it read causes) are
 * batched: handed to the writer just before it reads from the socket again, which it does only
 * once the stanzas already received are handled, or earlier once {@link #BATCH_BYTES} wait. Under
 * load that is one write for many stanzas (and fewer, larger reads for the server); when idle, an
 * answer goes out as soon as the stanza that caused it is handled. Any other thread's stanza is
 * handed over at once. If a write fails, its stanzas and all still waiting go to {@code unsent}.
 */
final class ComponentStream {
    private static final Logger log = Logger.getLogger(ComponentStream.class.getName());
    static final String ACCEPT_NS = "jabber:component:accept";
    static final String STREAMS_NS = "http://etherx.jabber.org/streams";
    /** The reading thread's stanzas are handed to the writer at the latest when this many bytes wait. */
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
    /**
     * One thread, so that writes never overlap and keep the order of {@link #send}; it ends when
     * idle for a while, so a stream given up leaves no thread behind.
     */
    private final ThreadPoolExecutor writer;
    private final Runnable drain = this::drain;
    private final ReentrantLock lock = new ReentrantLock();
    /** Bytes waiting for the writer and the stanzas among them (under the lock), and the pair it writes from. */
    private Utf8Buffer pending = new Utf8Buffer();
    private Utf8Buffer spare = new Utf8Buffer();
    private List<XmlElement> queued = new ArrayList<>();
    private List<XmlElement> spareQueued = new ArrayList<>();
    private StringBuilder text = new StringBuilder(512);
    /** A drain is submitted and has not yet taken the buffer (under the lock). */
    private boolean drainQueued;
    /** Set once a write failed: nothing more goes out. */
    private volatile IOException writeFailure;
    /** Set under the lock once {@code </stream:stream>} is queued: nothing may follow it. */
    private volatile boolean streamClosed;
    private OutputStream output;
    /** {@link System#nanoTime()} when the write in progress started; 0 when none is. */
    private volatile long writeStarted;
    /** {@link System#nanoTime()} when bytes last arrived from the server. */
    private volatile long lastReceived = System.nanoTime();
    /** The thread inside {@link #read}, whose writes are batched; null outside it. */
    private volatile Thread readingThread;
    private StanzaReader reader;
    private String errorName = "stream:error";
    private String streamId;

    ComponentStream(String host, int port) {
        this(host, port, stanza -> { });
    }

    ComponentStream(String host, int port, Consumer<XmlElement> unsent) {
        this(host, port, unsent, StanzaLimits.DEFAULTS, r -> { });
    }

    /**
     * @param unsent  gets each stanza that {@link #send} accepted but whose write failed, in the
     *                order sent, on the writer thread and never under a lock
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
        this.writer = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "client-proxy-writer-" + this);
            t.setDaemon(true);
            return t;
        });
        writer.allowCoreThreadTimeOut(true);
    }

    /** The XEP-0114 handshake value: lowercase hex SHA-1 of the stream id followed by the shared secret. */
    static String handshake(String streamId, String secret) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest((streamId + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-1 (MessageDigest javadoc)
        }
    }

    /**
     * Connects and authenticates as {@code domain}, within {@code timeout} in all.
     *
     * @throws StreamErrorException   when the server refuses with a stream error (e.g. not-authorized)
     * @throws SocketTimeoutException when that takes longer than {@code timeout}
     * @throws IOException            when the connection fails or the server breaks the protocol
     */
    void open(String domain, String secret, Duration timeout) throws IOException {
        // A watchdog rather than connect and read timeouts: the JDK keeps a socket that once had
        // a timeout non-blocking, and each read that finds nothing then costs read + poll + read.
        CompletableFuture<Boolean> opened = new CompletableFuture<>();
        opened.completeOnTimeout(false, timeout.toNanos(), TimeUnit.NANOSECONDS).thenAccept(ok -> {
            if (!ok) {
                abort();
            }
        });
        try {
            connectAndAuthenticate(domain, secret);
        } catch (IOException | RuntimeException e) {
            if (opened.complete(false)) {
                throw e;
            }
        }
        if (!opened.complete(true)) {
            throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        lastReceived = System.nanoTime();
    }

    private void connectAndAuthenticate(String domain, String secret) throws IOException {
        socket.connect(new InetSocketAddress(host, port));
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        output = socket.getOutputStream();
        StringBuilder header = new StringBuilder("<stream:stream xmlns=\"" + ACCEPT_NS + "\" xmlns:stream=\"" + STREAMS_NS + "\" to=\"");
        XmlEscape.append(domain, true, header);
        // Written at once, not queued: nothing else can write before the stream is open.
        output.write(header.append("\">").toString().getBytes(StandardCharsets.UTF_8));
        reader = new StanzaReader(new FlushBeforeRead(socket.getInputStream()), limits, refused);
        XmlElement answer = reader.readHeader();
        String root = answer.name();
        int colon = root.indexOf(':');
        if (!root.substring(colon + 1).equals("stream")) {
            throw new IOException("the server answered with <" + root + "> instead of a stream header");
        }
        // The error element uses whatever prefix the server bound to the streams namespace.
        errorName = colon < 0 ? "error" : root.substring(0, colon) + ":error";
        streamId = answer.attribute("id");
        if (streamId == null || streamId.isEmpty()) {
            throw failure(reader.next(), "sent no stream id");
        }
        output.write(("<handshake>" + handshake(streamId, secret) + "</handshake>").getBytes(StandardCharsets.UTF_8));
        XmlElement accepted = reader.next();
        if (accepted == null || !accepted.name().equals("handshake")) {
            throw failure(accepted, "did not accept the handshake");
        }
    }

    /** Why the server's element (or end of stream) is not what the handshake expected. */
    private IOException failure(XmlElement got, String what) {
        if (got == null) {
            return new EOFException("the server closed the stream during the handshake");
        }
        return got.name().equals(errorName) ? StreamErrorException.from(got)
                : new IOException("the server " + what + " (got <" + got.name() + ">)");
    }

    /** The id the server gave the stream. */
    String streamId() {
        return streamId;
    }

    /**
     * Hands every received top-level element to {@code stanzas}, on the calling thread, until the
     * server closes the stream ({@code </stream:stream>}, then this returns).
     *
     * @throws StreamErrorException when the server ends the stream with an error (RFC 6120 4.9)
     * @throws IOException          when the connection breaks
     */
    void read(Consumer<XmlElement> stanzas) throws IOException {
        readingThread = Thread.currentThread();
        try {
            XmlElement e;
            while ((e = reader.next()) != null) {
                if (e.name().equals(errorName)) {
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
        boolean batched = Thread.currentThread() == readingThread;
        boolean drainNow;
        lock.lock();
        try {
            checkOpen();
            text.setLength(0);
            stanza.appendTo(text);
            pending.append(text);
            if (text.capacity() > KEEP_TEXT_AT_MOST) {
                text = new StringBuilder(512);
            }
            queued.add(stanza);
            drainNow = (!batched || pending.size() >= BATCH_BYTES) && claimDrain();
        } finally {
            lock.unlock();
        }
        if (drainNow) {
            writer.execute(drain);
        }
    }

    /** Under the lock. */
    private void checkOpen() throws IOException {
        if (streamClosed) {
            throw new IOException("the stream is closed");
        }
        IOException failed = writeFailure;
        if (failed != null) {
            throw new IOException("the connection is broken: " + failed.getMessage(), failed);
        }
        if (pending.size() > MAX_QUEUED_BYTES) {
            throw new IOException("the server is not reading: more than " + MAX_QUEUED_BYTES + " bytes wait to be written");
        }
    }

    /**
     * Under the lock: true when the caller is to submit a drain (after unlocking, so that the
     * woken writer does not at once wait for the lock), false when one is submitted already.
     */
    private boolean claimDrain() {
        if (drainQueued) {
            return false;
        }
        drainQueued = true;
        return true;
    }

    /** On the writer thread: writes whatever is waiting, in one write. */
    private void drain() {
        Utf8Buffer out;
        List<XmlElement> inFlight;
        lock.lock();
        try {
            drainQueued = false;
            if (pending.size() == 0 || writeFailure != null) {
                return;
            }
            // The previous drain's pair is free: drains run one at a time.
            out = pending;
            pending = spare;
            spare = out;
            inFlight = queued;
            queued = spareQueued;
            spareQueued = inFlight;
        } finally {
            lock.unlock();
        }
        writeStarted = System.nanoTime() | 1;
        try {
            out.writeTo(output);
            inFlight.clear();
        } catch (IOException e) {
            failed(e, inFlight);
        } finally {
            writeStarted = 0;
        }
    }

    /** After a failed write: nothing more goes out; what was in it or waiting is handed to {@code unsent}. */
    private void failed(IOException e, List<XmlElement> inFlight) {
        List<XmlElement> lost = new ArrayList<>(inFlight);
        inFlight.clear();
        lock.lock();
        try {
            writeFailure = e;
            lost.addAll(queued);
            queued.clear();
        } finally {
            lock.unlock();
        }
        if (!streamClosed) {
            log.fine(() -> "write to " + this + " failed: " + e);
            abort(); // the reader then sees the socket closed and the connection starts over
        }
        lost.forEach(unsent);
    }

    /** Waits until everything queued has been written (or reported unsent), at most {@code timeout}; false if not all was written. */
    boolean awaitWritten(Duration timeout) {
        try {
            writer.submit(drain).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return writeFailure == null;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
     * Ends our side of the stream with {@code </stream:stream>} (RFC 6120 4.4); the server answers
     * with its own, which ends {@link #read}. Waits at most {@code timeout} for it to be written.
     */
    void closeStream(Duration timeout) {
        lock.lock();
        try {
            if (streamClosed || output == null || writeFailure != null) {
                return;
            }
            streamClosed = true;
            pending.append("</stream:stream>");
        } finally {
            lock.unlock();
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

    /** Hands the reading thread's batch, if any, to the writer. */
    private void flushBatch() {
        boolean drainNow;
        lock.lock();
        try {
            drainNow = pending.size() > 0 && claimDrain();
        } finally {
            lock.unlock();
        }
        if (drainNow) {
            writer.execute(drain);
        }
    }

    /** The socket's input: the reading thread's batch goes to the writer before it asks the socket for more. */
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
