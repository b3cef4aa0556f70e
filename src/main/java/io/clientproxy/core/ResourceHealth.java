package io.clientproxy.core;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Resource health: notices a resource of the target that stops answering without the server
 * saying so (a hung process, a frozen VM or node, a session the server keeps for XEP-0198
 * resumption after the client died) and takes it out of rotation, within a bound much shorter
 * than {@code request-timeout} (README, "Resource health"); and a resource that answers but
 * cannot serve a kind of request ({@link RefusedKinds}).
 *
 * <ul>
 * <li>A resource holding a request for longer than its <b>suspicion time</b> (twice the p99 of
 *     its own answer latency once it has answered {@link #MIN_SAMPLES} requests, at least
 *     {@link #SUSPICION_FLOOR_MILLIS} or an eighth of {@code request-timeout} when that is less,
 *     at most a quarter of {@code request-timeout}) is <b>suspected</b>: the component sends it an
 *     XEP-0199 ping (section 4.2, from {@code <component>/@ping.<node><random>}) and new requests
 *     go to other resources while the ping is out.</li>
 * <li>An answer to the ping, result or error (either shows the client alive), makes it
 *     <b>serving</b> again, however slow its answers to requests are: it keeps them. Requests it
 *     held before that answer make it suspect again only a suspicion time later.</li>
 * <li>No answer within {@link #PING_TIMEOUT_MILLIS} (or an eighth of {@code request-timeout}
 *     when that is less): <b>out of rotation</b>. It gets no new request; its pending gets move
 *     at once to resources in rotation (each at most once per resource); its sets stay with it
 *     until answered or timed out (a set is never sent twice). It is pinged again after
 *     {@link #PROBE_MIN_MILLIS}, the wait doubling up to {@link #PROBE_MAX_MILLIS}, and serves
 *     again when it answers or sends available presence.</li>
 * </ul>
 * One WARNING when a resource goes out of rotation (with the evidence), one INFO when it is back.
 * State is bounded: one {@link Liveness} per online resource, at most one ping out per resource.
 * Every node of a cluster decides alone, from its own pings (README says why); the ping's address
 * names the node, so an answer that reaches another node is handed back.
 */
final class ResourceHealth<S> {
    private static final Logger log = Refusals.log;

    /** The least suspicion time, and how long a ping may take (ms); each an eighth of {@code request-timeout} when that is less. */
    static final long SUSPICION_FLOOR_MILLIS = 1_000;
    static final long PING_TIMEOUT_MILLIS = 2_000;
    static final long PROBE_MIN_MILLIS = 2_000;
    static final long PROBE_MAX_MILLIS = 60_000;
    /** Answers measured before a resource's own latency decides its suspicion time (the floor until then). */
    static final long MIN_SAMPLES = 20;
    /** The resource of the component's ping address starts so: no opaque token (base64url) or full JID does. */
    static final String PING_PREFIX = "@ping.";

    static final StanzaError ALL_OUT_OF_ROTATION = new StanzaError(Condition.SERVICE_UNAVAILABLE, ErrorType.WAIT,
            "no resource of the service answers right now (each is out of rotation: it did not answer a ping)");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jid component;
    private final long ceilingMillis;
    private final long floorMillis;
    private final long pingTimeoutMillis;
    private final String pingSuffix;
    private final AtomicLong pings = new AtomicLong();
    private final ResourcePool pool;
    private final PendingTable<S> pending;
    private final Relocation<S> relocation;
    private final Outbox<S> outbox;
    private final ProxyCounters counters;
    private final Refusals<S> refusals;
    private final ClusterNode<S> cluster;
    private final LongSupplier clock;

    ResourceHealth(ProxySettings settings, Jid component, ResourcePool pool, PendingTable<S> pending, Relocation<S> relocation,
                   Outbox<S> outbox, ProxyCounters counters, Refusals<S> refusals, ClusterNode<S> cluster,
                   LongSupplier clock) {
        long requestTimeout = settings.requestTimeout().toMillis();
        // A short request-timeout leaves less time to notice: a floor and ping deadline of an eighth
        // of it still move a get before it times out (with one-second ticks, from 4 s up).
        this.floorMillis = Math.min(SUSPICION_FLOOR_MILLIS, Math.max(250, requestTimeout / 8));
        this.pingTimeoutMillis = Math.min(PING_TIMEOUT_MILLIS, Math.max(250, requestTimeout / 8));
        this.ceilingMillis = Math.max(floorMillis, requestTimeout / 4);
        this.component = component;
        byte[] bits = new byte[12];
        RANDOM.nextBytes(bits);
        this.pingSuffix = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        this.pool = pool;
        this.pending = pending;
        this.relocation = relocation;
        this.outbox = outbox;
        this.counters = counters;
        this.refusals = refusals;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** Whether the resource of an address the target answered to is a ping address (of any node). */
    static boolean isPingAddress(String resource) {
        return resource.startsWith(PING_PREFIX);
    }

    /** This node's ping address: it names the cluster node (its 4-bit tag; {@code x} outside a cluster). */
    private Jid pingAddress() {
        ClusterPeers<S> p = cluster.peers();
        return component.withResource(PING_PREFIX + (p == null ? "x" : Integer.toHexString(ClusterPeers.tagOf(p.localNode())))
                + pingSuffix);
    }

    /** How long (ms) {@code r} may hold a request before it is pinged. */
    long suspicionMillis(TargetResource r) {
        ResourceStats stats = r.stats();
        if (stats.answers() < MIN_SAMPLES) {
            return floorMillis;
        }
        return Math.max(floorMillis, Math.min(ceilingMillis, 2 * stats.percentile(0.99)));
    }

    /**
     * Once per tick: pings what has held a request past its suspicion time, takes out of
     * rotation what did not answer in time (moving its gets), pings again what is out when due.
     */
    void tick(long now) {
        TargetResource[] online = pool.snapshot();
        if (online.length == 0) {
            return;
        }
        java.util.Map<TargetResource, Long> oldestHeld = pending.oldestHeld(now - floorMillis);
        List<TargetResource> toPing = new ArrayList<>(0);
        List<String> ids = new ArrayList<>(0);
        List<TargetResource> out = new ArrayList<>(0);
        for (TargetResource r : online) {
            Liveness l = r.liveness();
            synchronized (l) {
                switch (l.state()) {
                    case SERVING -> {
                        Long oldest = oldestHeld.get(r);
                        if (oldest == null) {
                            break;
                        }
                        long suspicion = suspicionMillis(r); // sums its latency histogram: only for a resource holding a request
                        if (now - Math.max(oldest, l.aliveAt) >= suspicion) {
                            toPing.add(r);
                            ids.add(ping(l, now));
                            l.set(Liveness.State.SUSPECTED, now, "held a request for " + (now - oldest)
                                    + " ms (suspicion time " + suspicion + " ms" + latencies(r) + ")");
                            pool.markSuspect();
                        }
                    }
                    case SUSPECTED -> {
                        if (now >= l.pingDeadline) {
                            l.pingDeadline = 0;
                            l.backoff = PROBE_MIN_MILLIS;
                            l.nextProbe = now + l.backoff;
                            String evidence = l.why() + ", and did not answer an XEP-0199 ping within "
                                    + pingTimeoutMillis + " ms";
                            l.set(Liveness.State.OUT_OF_ROTATION, now, evidence);
                            out.add(r);
                            log.warning(() -> "target resource " + r.jid() + " is out of rotation: it " + evidence
                                    + "; its pending gets move to other resources, its sets stay with it until answered or "
                                    + "timed out; it is pinged again with backoff and serves again when it answers or sends presence");
                        }
                    }
                    case OUT_OF_ROTATION -> {
                        if (l.pingDeadline != 0 && now >= l.pingDeadline) {
                            l.pingDeadline = 0;
                        }
                        if (l.pingDeadline == 0 && now >= l.nextProbe) {
                            toPing.add(r);
                            ids.add(ping(l, now));
                            l.backoff = Math.min(PROBE_MAX_MILLIS, l.backoff * 2);
                            l.nextProbe = now + l.backoff;
                        }
                    }
                }
            }
        }
        // Outside the locks, as every call to the outbox.
        Jid from = toPing.isEmpty() ? null : pingAddress();
        for (int i = 0; i < toPing.size(); i++) {
            counters.count(Counter.HEALTH_PINGS);
            outbox.ping(from, toPing.get(i).jid(), ids.get(i));
        }
        for (TargetResource r : out) {
            counters.count(Counter.RESOURCES_OUT_OF_ROTATION);
            moveGets(r, now);
        }
    }

    private String ping(Liveness l, long now) {
        l.pingId = "health-" + pings.incrementAndGet();
        l.pingSentAt = now;
        l.pingDeadline = now + pingTimeoutMillis;
        return l.pingId;
    }

    private static String latencies(TargetResource r) {
        long p99 = r.stats().percentile(0.99);
        return p99 < 0 ? ", no answer measured yet" : ", its p99 latency " + p99 + " ms";
    }

    /**
     * A resource went out of rotation: its pending gets move to resources in rotation they have
     * not been on (gets have no side effects, RFC 6120 8.2.3); its sets stay, since it may yet act
     * on them, and are settled by its answer or their timeout. A get with nowhere to go stays.
     */
    private void moveGets(TargetResource out, long now) {
        for (PendingRequest<S> request : pending.pointingAt(out)) {
            if (request.type != IqType.GET || request.outbound) {
                continue;
            }
            TargetResource replacement = relocation.inRotation(request, out, now);
            if (replacement != null && Boolean.TRUE.equals(pending.moveOrSettle(request, out, replacement, now))) {
                relocation.sendMoved(request, replacement);
                if (!replacement.isOnline()) {
                    relocation.relocate(request, replacement);
                }
            }
        }
    }

    /**
     * A result or error from the target to a ping address: the answer to one of this node's pings
     * (the resource is alive), or one for the node the address names (handed over).
     */
    void onAnswer(S stanza, Jid from, String pingResource, String id) {
        if (!pingResource.equals(pingAddress().resource())) {
            int tag = pingResource.length() > PING_PREFIX.length()
                    ? Character.digit(pingResource.charAt(PING_PREFIX.length()), 16) : -1;
            if (!cluster.handOver(stanza, tag)) {
                refusals.drop(DropReason.NOT_PENDING, stanza);
            }
            return;
        }
        TargetResource r = pool.find(from);
        if (r == null || id == null || !pingAnswered(r, id, clock.getAsLong())) {
            refusals.drop(DropReason.NOT_PENDING, stanza);
        }
    }

    /** An answer from {@code r} with {@code id}: false when it answers no ping sent to {@code r}. */
    private boolean pingAnswered(TargetResource r, String id, long now) {
        Liveness l = r.liveness();
        Liveness.State before;
        long rtt;
        synchronized (l) {
            if (!id.equals(l.pingId)) {
                return false;
            }
            rtt = now - l.pingSentAt;
            l.pingDeadline = 0;
            l.aliveAt = now;
            before = l.state();
            if (before != Liveness.State.SERVING) {
                l.set(Liveness.State.SERVING, now, "answered a ping in " + rtt + " ms");
            }
        }
        if (before == Liveness.State.OUT_OF_ROTATION) {
            log.info(() -> "target resource " + r.jid() + " is back in rotation: it answered a ping in " + rtt + " ms");
        }
        return true;
    }

    /** An available presence from {@code r} ({@code first}: it was not online): whatever it was, it serves now. */
    void presence(TargetResource r, boolean first) {
        long now = clock.getAsLong();
        Liveness l = r.liveness();
        Liveness.State before;
        synchronized (l) {
            before = l.state();
            l.pingDeadline = 0;
            l.aliveAt = now;
            if (first) {
                l.set(Liveness.State.SERVING, now, "came online");
            } else if (before != Liveness.State.SERVING) {
                l.set(Liveness.State.SERVING, now, "sent available presence");
            }
        }
        r.clearRefusals();
        if (before == Liveness.State.OUT_OF_ROTATION) {
            log.info(() -> "target resource " + r.jid() + " is back in rotation: it sent available presence");
        }
    }

    // Resources that answer but cannot serve (see RefusedKinds).

    /**
     * A request that resources in {@code request.refusedBy} answered {@code feature-not-implemented}
     * or {@code service-unavailable} got a result from {@code server}: each refuser has a strike for
     * the request's kind; after {@link RefusedKinds#STRIKES} it gets no more of that kind.
     */
    void servedAfterRefusals(PendingRequest<S> request, TargetResource server, long now) {
        String kind = relocation.kindOf(request);
        server.served(kind);
        if (kind == null) {
            return;
        }
        for (TargetResource refuser : request.refusedBy) {
            if (refuser != server && refuser.strike(kind, now)) {
                stopsGetting(refuser, kind, "while " + server.jid() + " gives results for the same requests");
            }
        }
    }

    /** A set of a kind that {@code refuser} has refused before while another served it: one more strike. */
    void refusedAgain(TargetResource refuser, String namespace, long now) {
        if (refuser.refusedBefore(namespace) && refuser.strike(namespace, now)) {
            stopsGetting(refuser, namespace, "while other resources give results for them");
        }
    }

    private void stopsGetting(TargetResource refuser, String namespace, String evidence) {
        pool.markRefusing();
        counters.count(Counter.KINDS_REFUSED);
        log.warning(() -> "target resource " + refuser.jid() + " answers requests of " + namespace
                + " with feature-not-implemented or service-unavailable " + evidence + " (" + RefusedKinds.STRIKES
                + " in a row): it gets no more of them for " + RefusedKinds.REFUSAL_MILLIS / 60_000
                + " min or until its next presence; is a second client logged in with the bot's account?");
    }

    /**
     * One resource in words, for {@code list-resources}, the statistics and the summary line:
     * {@code serving for 12 s (came online); requests=10 results=9 bot-errors=1 timeouts=0 p50=3ms p99=12ms}.
     */
    static String describe(TargetResource r, long now) {
        Liveness l = r.liveness();
        ResourceStats s = r.stats();
        String refused = r.refusedNamespaces(now);
        return l.state().key() + " for " + Math.max(0, now - l.since()) / 1000 + " s (" + l.why() + ")"
                + (refused.isEmpty() ? "" : "; gets no requests of " + refused)
                + "; requests=" + s.requests() + " in-flight=" + s.inFlight() + " results=" + s.results()
                + " bot-errors=" + s.botErrors() + " timeouts=" + s.timeouts()
                + " p50=" + millis(s.percentile(0.5)) + " p99=" + millis(s.percentile(0.99));
    }

    /**
     * Each online resource's figures as counters, keyed {@code resource/<resource>/<figure>}:
     * {@code state} (0 serving, 1 suspected, 2 out of rotation), {@code state-seconds} (in that
     * state for), {@code requests}, {@code in-flight}, {@code results}, {@code bot-errors},
     * {@code timeouts}, {@code latency-p50} and {@code latency-p99} (ms, -1 before the first answer).
     */
    static java.util.Map<String, Long> figures(TargetResource[] resources, long now) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (TargetResource r : resources) {
            String p = "resource/" + r.jid().resource() + "/";
            Liveness l = r.liveness();
            ResourceStats s = r.stats();
            out.put(p + "state", (long) l.state().ordinal());
            out.put(p + "state-seconds", Math.max(0, now - l.since()) / 1000);
            out.put(p + "requests", s.requests());
            out.put(p + "in-flight", s.inFlight());
            out.put(p + "results", s.results());
            out.put(p + "bot-errors", s.botErrors());
            out.put(p + "timeouts", s.timeouts());
            out.put(p + "latency-p50", s.percentile(0.5));
            out.put(p + "latency-p99", s.percentile(0.99));
        }
        return out;
    }

    /** The resources in a few words each, for a summary line: {@code a serving p50=3ms p99=9ms, b out-of-rotation 12s}. */
    static String brief(TargetResource[] resources, long now) {
        StringBuilder sb = new StringBuilder();
        for (TargetResource r : resources) {
            Liveness l = r.liveness();
            sb.append(sb.length() == 0 ? "" : ", ").append(r.jid().resource()).append(' ').append(l.state().key());
            if (l.isServing()) {
                sb.append(" p50=").append(millis(r.stats().percentile(0.5)))
                        .append(" p99=").append(millis(r.stats().percentile(0.99)));
            } else {
                sb.append(' ').append(Math.max(0, now - l.since()) / 1000).append('s');
            }
        }
        return sb.toString();
    }

    private static String millis(long ms) {
        return ms < 0 ? "-" : ms + "ms";
    }
}
