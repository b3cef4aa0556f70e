package io.clientproxy.standalone;

import io.clientproxy.Version;
import io.clientproxy.core.Counter;
import io.clientproxy.core.InvalidSettingException;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;
import io.clientproxy.core.ResourceStats;
import io.clientproxy.core.TargetResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The proxy as an external component (XEP-0114): the routing core, the component stream that
 * feeds it and carries out its decisions, a ticker for timeouts and the periodic summary, and
 * reconnection. Everything runs on daemon threads; {@link #close()} ends it (the last stream's idle
 * writer thread goes within 10 s after).
 *
 * <pre>{@code
 * try (StandaloneProxy proxy = StandaloneProxy.start(settings)) {
 *     proxy.awaitConnected(Duration.ofSeconds(5));
 *     ...
 *     proxy.core().counters().get(Counter.REQUESTS_FORWARDED);
 * }
 * }</pre>
 */
public final class StandaloneProxy implements AutoCloseable {
    private static final Logger log = Logger.getLogger(StandaloneProxy.class.getName());

    /** How often the core times out requests and forgets idle mappings. */
    static final Duration TICK = Duration.ofMillis(250);
    /** How long close() waits for the server to end its side of the stream. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    private final StandaloneSettings settings;
    private final StandaloneCounters counters = new StandaloneCounters();
    private final ComponentConnection connection;
    private final ElementOutbox outbox;
    private final ProxyCore<XmlElement> core;
    private final StanzaDispatcher dispatcher;
    private final ScheduledExecutorService ticker;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile java.io.IOException fatal;
    /** GET /metrics on 127.0.0.1:metrics-port, when set. */
    private volatile MetricsEndpoint metrics;
    /** Sees every received stanza first and keeps those it returns true for from the core (--check's ping answer). */
    private volatile Predicate<XmlElement> tap = stanza -> false;

    /** Held while the core is started or shut down: close() must win over a reconnect for good. */
    private final Object coreLifecycle = new Object();

    private StandaloneProxy(StandaloneSettings settings, boolean retryFirstConnection) {
        this.settings = settings;
        this.connection = new ComponentConnection(this, retryFirstConnection);
        // At most every pending request can be owed an answer at once; a little more for replies in flight.
        this.outbox = new ElementOutbox(connection::send,
                (int) Math.min(Integer.MAX_VALUE, settings.proxy().maxPending() + 1024L), counters);
        this.core = new ProxyCore<>(settings.proxy(), settings.proxyAddress(), outbox);
        this.core.setAdmins(settings.admins()::lists);
        this.core.setAdapterCounters(counters::snapshot);
        this.dispatcher = new StanzaDispatcher(core, outbox, counters, settings.limits());
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "client-proxy-ticker-" + settings.componentDomain());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts connecting (in the background) and returns at once. Connection failures are retried
     * as configured; use {@link #awaitConnected} to wait for the stream.
     */
    public static StandaloneProxy start(StandaloneSettings settings) {
        return start(settings, true);
    }

    /**
     * @param retryFirstConnection false for {@code --check}: a first connection that fails, for
     *                             whatever reason, is final ({@link #gaveUp()}, {@link #fatalCause()})
     */
    static StandaloneProxy start(StandaloneSettings settings, boolean retryFirstConnection) {
        StandaloneProxy proxy = new StandaloneProxy(settings, retryFirstConnection);
        // --check (no retries) runs beside a live proxy that may hold the port: it serves no metrics.
        if (settings.metricsPort() != 0 && retryFirstConnection) {
            try {
                proxy.metrics = new MetricsEndpoint(settings.metricsPort(), proxy::metricsText);
                log.info(() -> "serving metrics at http://127.0.0.1:" + settings.metricsPort() + "/metrics");
            } catch (java.io.IOException e) {
                throw new InvalidSettingException(StandaloneSettings.METRICS_PORT, settings.metricsPort(),
                        "cannot listen on 127.0.0.1:" + settings.metricsPort() + " (" + e.getMessage()
                                + "): another program has it; choose a free port");
            }
        }
        log.info(() -> "tigase-client-proxy " + Version.current() + ": component " + settings.componentDomain()
                + " at " + settings.serverHost() + ":" + settings.serverPort() + " proxies IQ requests to "
                + settings.proxy().target() + " (jat-mode " + settings.proxy().jatMode().configName()
                + ", request-timeout " + settings.proxy().requestTimeout() + ")");
        proxy.ticker.scheduleWithFixedDelay(proxy::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        long stats = settings.statsInterval().toMillis();
        if (stats > 0) {
            proxy.ticker.scheduleAtFixedRate(proxy::logSummary, stats, stats, TimeUnit.MILLISECONDS);
        }
        proxy.connection.start();
        return proxy;
    }

    // ------------------------------------------------------------------ observation

    public StandaloneSettings settings() {
        return settings;
    }

    /** The routing core: its counters, online resources, pending requests and mappings. */
    public ProxyCore<XmlElement> core() {
        return core;
    }

    /** The adapter's own counters (reconnects, lost requests, ...). */
    public StandaloneCounters counters() {
        return counters;
    }

    /** The component's address, e.g. {@code proxy.example.com}. */
    public Jid component() {
        return core.component();
    }

    /** True while an authenticated stream is up. */
    public boolean isConnected() {
        return connection.isConnected();
    }

    /**
     * Waits until an authenticated stream is up and the subscription to the target has been
     * requested on it.
     *
     * @return false on timeout, or at once when the proxy has stopped (closed, or given up: see {@link #failure()})
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return connection.awaitConnected(timeout);
    }

    /**
     * Waits until at least {@code count} resources of the target are online (their presence has
     * reached the proxy): from then on requests are forwarded.
     *
     * @return false on timeout or when the proxy has stopped
     */
    public boolean awaitOnlineResources(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (core.resources().size() < count) {
            if (isTerminated() || System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /**
     * Why the proxy gave up on its own, when the server refused the component with a stream error
     * before it was ever connected ({@code not-authorized}, {@code host-unknown}, {@code conflict}).
     */
    public Optional<StreamErrorException> failure() {
        return fatal instanceof StreamErrorException e ? Optional.of(e) : Optional.empty();
    }

    /** Why the proxy gave up on its own (see {@link #gaveUp()}), or null. */
    java.io.IOException fatalCause() {
        return fatal;
    }

    /** True when the proxy stopped on its own: a failure before the first connection that retrying would not cure. */
    public boolean gaveUp() {
        return fatal != null;
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** Waits until the proxy has stopped (closed, or given up); false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * All counters in one map: gauges ({@code connected}, {@code pending}, {@code online-resources},
     * {@code mappings}, {@code service-subscribers}, {@code backlog}), then the core's counters, then
     * the adapter's, then each online resource's figures ({@code resource/<resource>/...}, see
     * README, Resource health).
     */
    public Map<String, Long> statistics() {
        Map<String, Long> out = proxyStatistics();
        out.putAll(core.resourceFigures());
        return out;
    }

    /** {@link #statistics()} without the per-resource figures. */
    private Map<String, Long> proxyStatistics() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("connected", isConnected() ? 1L : 0L);
        out.put("pending", (long) core.pendingCount());
        out.put("online-resources", (long) core.resources().size());
        out.put("mappings", (long) core.mappingCount());
        out.put("service-subscribers", (long) core.serviceSubscriberCount());
        out.put("backlog", (long) outbox.owedCount());
        out.putAll(core.counters().snapshot());
        out.putAll(counters.snapshot());
        return out;
    }

    /**
     * What {@code GET /metrics} serves: {@link #statistics()}, the subscription's state and each
     * online resource of the target, in the Prometheus text format ({@link MetricsText}).
     */
    public String metricsText() {
        List<MetricsText.Resource> resources = new ArrayList<>();
        for (TargetResource r : core.resources().snapshot()) {
            ResourceStats s = r.stats();
            // The state list-resources and the statistics show (ResourceHealth).
            String state = r.liveness().state().key();
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("requests", s.requests());
            counts.put("results", s.results());
            counts.put("bot-errors", s.botErrors());
            counts.put("timeouts", s.timeouts());
            Map<Double, Double> latency = new LinkedHashMap<>();
            long p50 = s.percentile(0.5);
            if (p50 >= 0) {
                latency.put(0.5, (double) p50);
                latency.put(0.99, (double) s.percentile(0.99));
            }
            resources.add(new MetricsText.Resource(r.jid().resource(), state, counts, latency));
        }
        // Per resource as the labelled families above, not as flat resource/<name>/<figure> counters.
        return MetricsText.render(proxyStatistics(), core.subscriptionState().key(), resources);
    }

    /** The one-line summary that is logged every {@code stats-interval}: the state now, then the counters. */
    public String summary() {
        return "component " + component() + (isConnected() ? " connected" : " NOT connected")
                + ": pending=" + core.pendingCount()
                + " online-resources=" + core.resources().size() + " [" + core.resourcesBrief() + "]"
                + " subscription=" + core.subscriptionState().key()
                + " mappings=" + core.mappingCount()
                + " " + totals();
    }

    /** The counters since the start, for the summary and the last line after a stop (when the state says nothing). */
    private String totals() {
        var c = core.counters();
        return "forwarded=" + c.get(Counter.REQUESTS_FORWARDED)
                + " delivered=" + c.get(Counter.REPLIES_DELIVERED)
                + " timeouts=" + c.get(Counter.TIMEOUTS)
                + " errors=" + c.get(Counter.ERRORS_SENT)
                + " dropped=" + c.droppedTotal()
                + " reconnects=" + counters.get(StandaloneCounter.RECONNECTS)
                + " lost=" + counters.get(StandaloneCounter.LOST_REQUESTS)
                + " internal-errors=" + counters.get(StandaloneCounter.INTERNAL_ERRORS)
                + " over-limit=" + overLimit()
                + " foreign=" + counters.get(StandaloneCounter.DROPPED_FOREIGN_DOMAIN);
    }

    /** Stanzas over a {@link StanzaLimits} limit, answered or dropped. */
    private long overLimit() {
        long n = counters.get(StandaloneCounter.REQUESTS_OVER_LIMIT);
        for (StanzaLimits.Violation v : StanzaLimits.Violation.values()) {
            n += counters.get(v.counter());
        }
        return n;
    }

    // ------------------------------------------------------------------ control

    /**
     * Sends a stanza the proxy itself makes (not one the core decided on), e.g. {@code --check}'s
     * ping; false when no stream is up.
     */
    boolean send(XmlElement stanza) {
        return connection.send(stanza);
    }

    /**
     * Received stanzas go to {@code tap} first; those it returns true for do not reach the core.
     * For {@code --check}, whose ping answer is addressed to the proxy and is no reply the core
     * is waiting for (it would drop and count it).
     */
    void tap(Predicate<XmlElement> tap) {
        this.tap = tap;
    }

    /**
     * For tests: severs the TCP connection abruptly (a reset, no {@code </stream:stream>}), as a
     * network failure would. The proxy reacts as to any loss: answers what was pending once it
     * has reconnected, after {@code reconnect-min}. Returns at once; {@link #isConnected()} is
     * false from here until the new stream is up.
     */
    public void dropConnection() {
        connection.drop();
    }

    /**
     * Stops: answers pending requests with an error while the stream is still up, ends the
     * stream politely, and counts as lost whatever could not be answered. Bounded in time (a few
     * seconds at most); idempotent; safe from a shutdown hook.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                terminated.await(CLOSE_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            ticker.shutdownNow();
            int pending = core.pendingCount();
            if (pending > 0) {
                log.info(() -> "stopping: answering " + pending + " pending requests");
            }
            // From here on the core answers new requests "shutting down" itself; under the lock that
            // connected() starts it under, so a stream that comes up during close() cannot reopen it.
            synchronized (coreLifecycle) {
                core.shutdown();
            }
            connection.close(CLOSE_GRACE);
            disconnected(); // requests that reached the core after shutdown() drained it: no stream to answer them now
            outbox.discardOwed("the proxy stopped before it could send them");
            MetricsEndpoint m = metrics;
            if (m != null) {
                m.close();
            }
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "failure while stopping", e);
        } finally {
            terminated.countDown();
            log.info(() -> "stopped; component " + component() + " since the start: " + totals());
        }
    }

    // ------------------------------------------------------------------ internals

    private void tick() {
        for (Runnable task : new Runnable[] {connection::checkLiveness, core::tick}) {
            try {
                task.run();
            } catch (RuntimeException e) {
                counters.count(StandaloneCounter.INTERNAL_ERRORS);
                log.log(Level.WARNING, "timer tick failed", e);
            }
        }
    }

    private void logSummary() {
        log.info(this::summary);
    }

    // ------------------------------------------------------------------ the connection's events, on its thread

    /** A stream is authenticated: what is owed from before goes out first, then the core subscribes. */
    void connected() {
        int owed = outbox.owedCount();
        int sent = outbox.sendOwed();
        if (owed > 0) {
            log.info(() -> "answered " + sent + " of " + owed + " requests held while the connection was down");
        }
        synchronized (coreLifecycle) {
            if (!closing.get()) {
                core.start();
            }
        }
    }

    void received(XmlElement stanza) {
        if (!tap.test(stanza)) {
            dispatcher.dispatch(stanza);
        }
    }

    /** A received stanza that was over a {@link StanzaLimits} limit and was not parsed. */
    void refused(StanzaLimits.Refused stanza) {
        dispatcher.refused(stanza);
    }

    /** A stanza accepted for a (batched) write that then failed: as one that could not be sent at all. */
    void notSent(XmlElement stanza) {
        outbox.notSent(stanza);
    }

    /** The stream that {@link #connected} announced is gone: what was pending is answered once reconnected. */
    void disconnected() {
        List<XmlElement> pending = core.disconnected();
        outbox.connectionLost(pending, component());
        if (!pending.isEmpty() && !closing.get()) {
            log.warning(() -> pending.size() + " pending requests will be answered service-unavailable once reconnected");
        }
    }

    /** The connection stops for good without having been closed: {@code reason} is final. */
    void gaveUp(java.io.IOException reason) {
        fatal = reason;
        close();
    }
}
