package io.clientproxy.standalone;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one component stream up: connects, authenticates, reads on its own thread, and after a
 * failure or a loss tries again after a delay that doubles up to {@code reconnect-max}.
 *
 * <p>Before the first success, what will not fix itself is final ({@link #isFatal}): the server
 * refusing the secret ({@code not-authorized}), not knowing the component's domain
 * ({@code host-unknown}, RFC 6120 4.9.3.6), another connection already being that component
 * ({@code conflict}, 4.9.3.3), or a server host name that does not resolve. After a success,
 * every loss is retried.
 *
 * <p>Liveness ({@link #checkLiveness}, from the proxy's timer): after {@code keepalive-interval}
 * with nothing received, a ping (XEP-0199) goes to the server, which answers it; after
 * {@code read-timeout} with nothing received, or a write that has been under way for
 * {@code write-timeout}, the stream is given up as dead and the proxy reconnects.
 */
final class ComponentConnection implements StanzaSink {
    private static final Logger log = Logger.getLogger(ComponentConnection.class.getName());

    /** Bound on connecting and on each handshake step; afterwards read-timeout and write-timeout apply ({@link #checkLiveness}). */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** What the connection reports, on its own thread. */
    interface Listener {
        /** Authenticated and nothing read yet; {@link #send} works from here on. */
        void connected(boolean reconnect);

        /** A top-level element from the server, in order. */
        void received(XmlElement stanza);

        /** The stream that {@link #connected} announced is gone (for whatever reason). */
        void disconnected();

        /** The connection stops for good without having been closed: {@code reason} is final. */
        void gaveUp(IOException reason);

        /** A received stanza that was over a {@link StanzaLimits} limit and was not parsed. */
        default void refused(StanzaLimits.Refused stanza) {
        }
    }

    /** The id prefix of our keepalive pings; their answers are consumed here. */
    static final String KEEPALIVE_ID = "cp-keepalive-";

    private final StandaloneSettings settings;
    private final boolean retryFirst;
    private final Listener listener;
    private final StandaloneCounters counters;
    private final Thread thread;
    private final Object state = new Object();

    /** The authenticated stream, or null. */
    private volatile ComponentStream current;
    /** The stream being opened, so that close() can abort a connect or handshake in progress. */
    private volatile ComponentStream opening;
    /** {@link System#nanoTime()} of the last keepalive ping, or 0. */
    private volatile long lastPing;
    private long pings;
    /** Why the liveness check gave the current stream up, for the log line about the loss; or null. */
    private volatile String deadReason;
    /** Gets the stanzas that a stream accepted for a batched write which then failed. */
    private volatile Consumer<XmlElement> unsent = stanza -> { };
    /** Guarded by {@link #state}. */
    private boolean connected;
    private boolean stopping;
    private boolean stopped;

    ComponentConnection(StandaloneSettings settings, Listener listener, StandaloneCounters counters) {
        this(settings, listener, counters, true);
    }

    /** @param retryFirst false: a first connection that fails for any reason is final ({@code --check}) */
    ComponentConnection(StandaloneSettings settings, Listener listener, StandaloneCounters counters, boolean retryFirst) {
        this.retryFirst = retryFirst;
        this.settings = settings;
        this.listener = listener;
        this.counters = counters;
        this.thread = new Thread(this::run, "client-proxy-" + settings.componentDomain());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Where stanzas go that {@link #send} accepted but whose (batched) write failed afterwards;
     * the same treatment as those {@link #send} refused. Set before {@link #start}.
     */
    void onUnsent(Consumer<XmlElement> handler) {
        this.unsent = handler;
    }

    private String server() {
        return settings.serverHost() + ":" + settings.serverPort();
    }

    // ------------------------------------------------------------------ the connection thread

    private void run() {
        Backoff backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax());
        boolean everConnected = false;
        try {
            while (!isStopping()) {
                ComponentStream stream = new ComponentStream(settings.serverHost(), settings.serverPort(),
                        stanza -> unsent.accept(stanza), settings.limits(), this::refused);
                opening = stream;
                if (isStopping()) {
                    break;
                }
                try {
                    stream.open(settings.componentDomain().toString(), settings.componentSecret(), HANDSHAKE_TIMEOUT);
                } catch (IOException | RuntimeException e) {
                    stream.abort();
                    opening = null;
                    if (isStopping()) {
                        break;
                    }
                    counters.count(StandaloneCounter.CONNECT_FAILURES);
                    if (!everConnected && (!retryFirst || isFatal(e))) {
                        log.severe(() -> fatalMessage(e));
                        listener.gaveUp(e instanceof IOException io ? io : new IOException(e));
                        return;
                    }
                    Duration wait = backoff.next();
                    log.warning(() -> "cannot connect to " + server() + " as component " + settings.componentDomain()
                            + ": " + describe(e) + "; trying again in " + seconds(wait));
                    pause(wait);
                    continue;
                }
                // current before opening is cleared: close() always finds the stream in one of them.
                current = stream;
                opening = null;
                if (isStopping()) {
                    current = null;
                    stream.closeStream(Duration.ofSeconds(1));
                    stream.abort();
                    break;
                }
                backoff.reset();
                boolean reconnect = everConnected;
                everConnected = true;
                String reason = session(stream, reconnect);
                if (!isStopping()) {
                    counters.count(StandaloneCounter.CONNECTION_LOSSES);
                    Duration wait = backoff.next();
                    log.warning(() -> "lost the connection to " + server() + ": " + reason + "; reconnecting in " + seconds(wait));
                    pause(wait);
                }
            }
        } finally {
            synchronized (state) {
                stopped = true;
                connected = false;
                state.notifyAll();
            }
        }
    }

    /** Runs one authenticated stream until it ends; returns why it ended. */
    private String session(ComponentStream stream, boolean reconnect) {
        if (reconnect) {
            counters.count(StandaloneCounter.RECONNECTS);
        }
        log.info(() -> (reconnect ? "reconnected to " : "connected to ") + server() + " as component "
                + settings.componentDomain() + " (stream " + stream.streamId() + ")");
        String reason;
        boolean politeEnd = false;
        deadReason = null;
        lastPing = 0;
        try {
            safely(() -> listener.connected(reconnect));
            synchronized (state) {
                connected = !stopping;
                state.notifyAll();
            }
            stream.read(this::deliver);
            reason = "the server closed the stream";
            politeEnd = true;
        } catch (IOException e) {
            String dead = deadReason;
            reason = dead != null ? dead : describe(e);
        } finally {
            current = null;
            synchronized (state) {
                connected = false;
                state.notifyAll();
            }
        }
        if (politeEnd) {
            // The server ended its side: end ours too (a no-op after our own close) and let the socket drain.
            stream.closeStream(Duration.ofSeconds(1));
            stream.close();
        } else {
            stream.abort();
        }
        safely(listener::disconnected);
        return reason;
    }

    /** Runs a listener callback; its failure must not end the connection thread. */
    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "failure handling a connection event", e);
        }
    }

    private void refused(StanzaLimits.Refused stanza) {
        try {
            listener.refused(stanza);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "failed on a stanza over a limit from " + server(), e);
        }
    }

    private void deliver(XmlElement stanza) {
        String id = stanza.attribute("id");
        if (id != null && id.startsWith(KEEPALIVE_ID) && stanza.name().equals("iq")
                && !"get".equals(stanza.attribute("type")) && !"set".equals(stanza.attribute("type"))) {
            return; // the answer to our keepalive: its arrival was all it had to say
        }
        try {
            listener.received(stanza);
        } catch (RuntimeException e) {
            // The listener answers for its own failures; one bad stanza must not end the stream.
            log.log(Level.WARNING, "failed on a stanza from " + server(), e);
        }
    }

    private void pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (state) {
            long left;
            while (!stopping && (left = deadline - System.nanoTime()) > 0) {
                try {
                    state.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }
    }

    private boolean isStopping() {
        synchronized (state) {
            return stopping;
        }
    }

    // ------------------------------------------------------------------ any thread

    @Override
    public boolean send(XmlElement stanza) {
        ComponentStream stream = current;
        if (stream == null) {
            return false;
        }
        try {
            stream.send(stanza);
            return true;
        } catch (IOException e) {
            log.fine(() -> "write to " + server() + " failed: " + e);
            if (!stream.isEnding()) {
                // The reader then sees the socket closed and the connection starts over.
                stream.abort();
            }
            return false;
        }
    }

    /**
     * Called periodically (by the proxy's timer; never blocks): pings a quiet server, and gives up
     * a stream that has been silent for {@code read-timeout} or whose write has been stuck for
     * {@code write-timeout}. The connection thread then reconnects as after any loss.
     */
    void checkLiveness() {
        ComponentStream stream = current;
        if (stream == null || stream.isEnding()) {
            return;
        }
        Duration stalled = stream.writeStalledFor();
        if (stalled.compareTo(settings.writeTimeout()) > 0) {
            giveUp(stream, StandaloneCounter.WRITE_TIMEOUTS, "a write has not completed for " + seconds(stalled)
                    + " (write-timeout " + seconds(settings.writeTimeout()) + "): the server is not reading");
            return;
        }
        Duration quiet = stream.quietFor();
        if (quiet.compareTo(settings.readTimeout()) > 0) {
            giveUp(stream, StandaloneCounter.READ_TIMEOUTS, "nothing received for " + seconds(quiet)
                    + " (read-timeout " + seconds(settings.readTimeout()) + "), not even the answer to a ping");
            return;
        }
        long now = System.nanoTime();
        long last = lastPing;
        if (quiet.compareTo(settings.keepaliveInterval()) >= 0
                && (last == 0 || now - last >= settings.keepaliveInterval().toNanos())) {
            lastPing = now;
            XmlElement ping = XmlElement.builder("iq")
                    .attribute("type", "get")
                    .attribute("id", KEEPALIVE_ID + (++pings))
                    .attribute("from", settings.componentDomain().toString())
                    .attribute("to", settings.proxy().target().domain())
                    .child(XmlElement.builder("ping").attribute("xmlns", "urn:xmpp:ping").build())
                    .build();
            try {
                stream.send(ping);
                counters.count(StandaloneCounter.KEEPALIVES_SENT);
            } catch (IOException e) {
                log.fine(() -> "keepalive not sent: " + e);
            }
        }
    }

    private void giveUp(ComponentStream stream, StandaloneCounter counter, String why) {
        if (current != stream) {
            return;
        }
        deadReason = why;
        counters.count(counter);
        stream.abort();
    }

    boolean isConnected() {
        synchronized (state) {
            return connected;
        }
    }

    /** Waits until a stream is authenticated; false on timeout or once the connection has stopped. */
    boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (state) {
            long left;
            while (!connected && !stopped && (left = deadline - System.nanoTime()) > 0) {
                state.wait(Math.max(1, left / 1_000_000));
            }
            return connected;
        }
    }

    /** Severs the TCP connection abruptly (a reset), as a network failure would; it reconnects as after any loss. */
    void drop() {
        ComponentStream stream = current;
        if (stream != null) {
            synchronized (state) {
                connected = false;
            }
            stream.abort();
        }
    }

    /**
     * Stops reconnecting and ends the stream politely: {@code </stream:stream>}, then up to
     * {@code grace} for the server's own, then the socket is closed regardless.
     */
    void close(Duration grace) {
        synchronized (state) {
            stopping = true;
            state.notifyAll();
        }
        ComponentStream half = opening;
        if (half != null) {
            half.abort();
        }
        ComponentStream stream = current;
        if (stream != null) {
            stream.closeStream(grace);
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(grace.toMillis() + 1);
            if (thread.isAlive()) {
                log.fine(() -> server() + " did not close its end of the stream in time; closing the socket");
                if (stream != null) {
                    stream.abort();
                }
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Failures before the first successful connection that retrying will not cure. */
    static boolean isFatal(Exception e) {
        if (e instanceof UnknownHostException) {
            return true;
        }
        if (e instanceof StreamErrorException refused) {
            String c = refused.condition();
            return "not-authorized".equals(c) || "host-unknown".equals(c) || "conflict".equals(c);
        }
        return false;
    }

    /** The one line that says why the program stops. */
    private String fatalMessage(Exception e) {
        String what = describe(e);
        if (!(e instanceof StreamErrorException refused)) {
            return "cannot connect to " + server() + " as component " + settings.componentDomain() + ": " + what
                    + (e instanceof UnknownHostException ? " (server-host does not resolve)" : "");
        }
        String hint = switch (refused.condition()) {
            case "host-unknown" -> "the server does not know component-domain " + settings.componentDomain()
                    + "; check it against the server's component declaration";
            case "conflict" -> "another connection is already component " + settings.componentDomain()
                    + " (a second instance of this proxy?)";
            default -> "check component-secret (and component-domain) against the server's configuration";
        };
        return server() + " refused component " + settings.componentDomain() + ": " + what + "; " + hint;
    }

    static String describe(Exception e) {
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + seconds(HANDSHAKE_TIMEOUT);
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
