package io.clientproxy.standalone;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the proxy's one component stream up: connects, authenticates, reads on its own thread
 * (handing what it reads to the {@link StandaloneProxy}), and after a failure or a loss tries
 * again after a delay that doubles up to {@code reconnect-max}.
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
final class ComponentConnection {
    private static final Logger log = Logger.getLogger(ComponentConnection.class.getName());

    /** Bound on connecting and authenticating together; afterwards read-timeout and write-timeout apply ({@link #checkLiveness}). */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** The id prefix of our keepalive pings; their answers are consumed here. */
    static final String KEEPALIVE_ID = "cp-keepalive-";

    private final StandaloneProxy proxy;
    private final StandaloneSettings settings;
    private final StandaloneCounters counters;
    private final boolean retryFirst;
    private final Thread thread;

    /** The authenticated stream, or null. */
    private volatile ComponentStream current;
    /** The stream being opened, so that close() can abort a connect or handshake in progress. */
    private volatile ComponentStream opening;
    /** {@link System#nanoTime()} of the last keepalive ping, or 0. */
    private volatile long lastPing;
    private long pings;
    /** Why the liveness check gave the current stream up, for the log line about the loss; or null. */
    private volatile String deadReason;
    /** Released by {@link #close}: no more connecting, and any pause before a retry ends. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    /** Guarded by {@code this}. */
    private boolean connected;
    private boolean stopped;

    /** @param retryFirst false for {@code --check}: a first connection that fails for any reason is final */
    ComponentConnection(StandaloneProxy proxy, boolean retryFirst) {
        this.proxy = proxy;
        this.settings = proxy.settings();
        this.counters = proxy.counters();
        this.retryFirst = retryFirst;
        this.thread = new Thread(this::run, "client-proxy-" + settings.componentDomain());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
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
                        proxy::notSent, settings.limits(), proxy::refused);
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
                        proxy.gaveUp(e instanceof IOException io ? io : new IOException(e));
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
                String reason = session(stream, everConnected);
                everConnected = true;
                if (!isStopping()) {
                    counters.count(StandaloneCounter.CONNECTION_LOSSES);
                    Duration wait = backoff.next();
                    log.warning(() -> "lost the connection to " + server() + ": " + reason + "; reconnecting in " + seconds(wait));
                    pause(wait);
                }
            }
        } finally {
            synchronized (this) {
                stopped = true;
                connected = false;
                notifyAll();
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
        deadReason = null;
        lastPing = 0;
        String reason = null;
        try {
            safely(proxy::connected);
            synchronized (this) {
                connected = !isStopping();
                notifyAll();
            }
            stream.read(this::deliver);
        } catch (IOException e) {
            reason = deadReason != null ? deadReason : describe(e);
        } finally {
            current = null;
            synchronized (this) {
                connected = false;
                notifyAll();
            }
        }
        if (reason == null) {
            // The server ended its side: end ours too (a no-op after our own close) and let the socket drain.
            stream.closeStream(Duration.ofSeconds(1));
            stream.close();
        } else {
            stream.abort();
        }
        safely(proxy::disconnected);
        return reason == null ? "the server closed the stream" : reason;
    }

    /** Runs a callback into the proxy; its failure must not end the connection thread. */
    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "failure handling a connection event", e);
        }
    }

    private void deliver(XmlElement stanza) {
        String id = stanza.attribute("id");
        if (id != null && id.startsWith(KEEPALIVE_ID) && stanza.name().equals("iq")
                && !"get".equals(stanza.attribute("type")) && !"set".equals(stanza.attribute("type"))) {
            return; // the answer to our keepalive: its arrival was all it had to say
        }
        try {
            proxy.received(stanza);
        } catch (RuntimeException e) {
            // The proxy answers for its own failures; one bad stanza must not end the stream.
            log.log(Level.WARNING, "failed on a stanza from " + server(), e);
        }
    }

    private void pause(Duration wait) {
        try {
            stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    private boolean isStopping() {
        return stopping.getCount() == 0;
    }

    // ------------------------------------------------------------------ any thread

    /** Writes the stanza on the authenticated stream; false, never an exception, when there is none or it is broken. */
    boolean send(XmlElement stanza) {
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
                stream.abort(); // the reader then sees the socket closed and the connection starts over
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
        ComponentStream s = current;
        if (s == null || s.isEnding()) {
            return;
        }
        Duration stalled = s.writeStalledFor();
        Duration quiet = s.quietFor();
        if (stalled.compareTo(settings.writeTimeout()) > 0) {
            giveUp(s, StandaloneCounter.WRITE_TIMEOUTS, "a write has not completed for " + seconds(stalled)
                    + " (write-timeout " + seconds(settings.writeTimeout()) + "): the server is not reading");
        } else if (quiet.compareTo(settings.readTimeout()) > 0) {
            giveUp(s, StandaloneCounter.READ_TIMEOUTS, "nothing received for " + seconds(quiet)
                    + " (read-timeout " + seconds(settings.readTimeout()) + "), not even the answer to a ping");
        } else if (quiet.compareTo(settings.keepaliveInterval()) >= 0
                && (lastPing == 0 || System.nanoTime() - lastPing >= settings.keepaliveInterval().toNanos())) {
            lastPing = System.nanoTime();
            try {
                s.send(XmlElement.builder("iq").attribute("type", "get").attribute("id", KEEPALIVE_ID + (++pings))
                        .attribute("from", settings.componentDomain().toString())
                        .attribute("to", settings.proxy().target().domain())
                        .child(XmlElement.builder("ping").attribute("xmlns", "urn:xmpp:ping").build())
                        .build());
                counters.count(StandaloneCounter.KEEPALIVES_SENT);
            } catch (IOException e) {
                log.fine(() -> "keepalive not sent: " + e);
            }
        }
    }

    private void giveUp(ComponentStream s, StandaloneCounter counter, String why) {
        if (current != s) {
            return;
        }
        deadReason = why;
        counters.count(counter);
        s.abort();
    }

    synchronized boolean isConnected() {
        return connected;
    }

    /** Waits until a stream is authenticated; false on timeout or once the connection has stopped. */
    synchronized boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left;
        while (!connected && !stopped && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return connected;
    }

    /** Severs the TCP connection abruptly (a reset), as a network failure would; it reconnects as after any loss. */
    void drop() {
        ComponentStream stream = current;
        if (stream != null) {
            synchronized (this) {
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
        synchronized (this) {
            stopping.countDown(); // under the lock: a session announces itself connected only if not stopping
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

    // ------------------------------------------------------------------ messages

    /** Failures before the first successful connection that retrying will not cure. */
    static boolean isFatal(Exception e) {
        return e instanceof UnknownHostException || e instanceof StreamErrorException refused
                && List.of("not-authorized", "host-unknown", "conflict").contains(refused.condition());
    }

    /** The one line that says why the program stops. */
    private String fatalMessage(Exception e) {
        String component = " component " + settings.componentDomain();
        if (!(e instanceof StreamErrorException refused)) {
            return "cannot connect to " + server() + " as" + component + ": " + describe(e)
                    + (e instanceof UnknownHostException ? " (server-host does not resolve)" : "");
        }
        return server() + " refused" + component + ": " + describe(e) + "; " + switch (refused.condition()) {
            case "host-unknown" -> "the server does not know component-domain " + settings.componentDomain()
                    + "; check it against the server's component declaration";
            case "conflict" -> "another connection already is" + component + " (a second instance of this proxy?)";
            default -> "check component-secret (and component-domain) against the server's configuration";
        };
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
        return ms < 1000 ? ms + " ms" : ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
