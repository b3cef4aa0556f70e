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
 * failure or a loss tries again after a delay that doubles up to {@code reconnect-max}. Only a
 * refused secret before the first success is final: a wrong secret will not fix itself.
 */
final class ComponentConnection implements StanzaSink {
    private static final Logger log = Logger.getLogger(ComponentConnection.class.getName());

    /** Bound on connecting and on each handshake step; the stream itself has no read timeout. */
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
        void gaveUp(StreamErrorException reason);
    }

    private final StandaloneSettings settings;
    private final Listener listener;
    private final StandaloneCounters counters;
    private final Thread thread;
    private final Object state = new Object();

    /** The authenticated stream, or null. */
    private volatile ComponentStream current;
    /** The stream being opened, so that close() can abort a connect or handshake in progress. */
    private volatile ComponentStream opening;
    /** Gets the stanzas that a stream accepted for a batched write which then failed. */
    private volatile Consumer<XmlElement> unsent = stanza -> { };
    /** Guarded by {@link #state}. */
    private boolean connected;
    private boolean stopping;
    private boolean stopped;

    ComponentConnection(StandaloneSettings settings, Listener listener, StandaloneCounters counters) {
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
                        stanza -> unsent.accept(stanza));
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
                    if (!everConnected && e instanceof StreamErrorException refused && refused.isNotAuthorized()) {
                        log.severe(() -> server() + " refused component " + settings.componentDomain() + ": "
                                + describe(e) + "; check component-secret (and component-domain) against the server's configuration");
                        listener.gaveUp(refused);
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
            reason = describe(e);
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

    private void deliver(XmlElement stanza) {
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
