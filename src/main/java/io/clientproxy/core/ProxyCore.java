package io.clientproxy.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The routing engine of one proxy: decides what happens to every stanza addressed to the
 * component, from its addressing facts only. It knows nothing of Tigase, sockets or XML; an
 * adapter feeds it stanzas and carries out what it asks through an {@link Outbox}.
 *
 * <p>This class only dispatches: each stanza goes to the protocol area it belongs to, which
 * handles it to the end ({@link SenderRequests}, {@link TargetRequests}, {@link TargetPresence},
 * {@link MessageRouting}, {@link Disco}, {@link AdminCommands}, {@link ClusterSync}, {@link ResourceHealth}), built
 * and wired by {@link ProtocolAreas}; see {@code package-info.java} for the map.
 *
 * <p>Thread-safe: adapters may call it from many threads at once. One sender's stanzas should
 * arrive in order (both adapters keep a sender on one thread).
 *
 * @param <S> the adapter's handle on a received stanza
 */
public final class ProxyCore<S> {
    public static final int DEFAULT_SHARDS = 16;

    private final ProxySettings settings;
    private final Jid component;
    private final Jid target;
    private final LongSupplier clock;
    /** What the stanzas are dispatched to: every protocol area and the state they share. */
    private final ProtocolAreas<S> areas;
    /** Set by shutdown(): requests that arrive afterwards are refused, not left pending. */
    private volatile boolean closed;

    /**
     * @param component the component's own address toward the target ({@code proxy.example.com}):
     *                  it subscribes from there and the target answers to {@code component/<token>}
     * @param clock     monotonic milliseconds
     */
    public ProxyCore(ProxySettings settings, Jid component, Outbox<S> outbox, Balancer balancer,
                     LongSupplier clock, int shards) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.component = Objects.requireNonNull(component, "component").asBare();
        this.target = settings.target();
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(balancer, "balancer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.areas = new ProtocolAreas<>(settings, this.component, outbox, balancer, clock, shards);
    }

    /** A core with the balancer the settings name, the system's monotonic clock and the default shards. */
    public ProxyCore(ProxySettings settings, Jid component, Outbox<S> outbox) {
        this(settings, component, outbox, settings.balancer().create(), ProxyCore::monotonicMillis, DEFAULT_SHARDS);
    }

    public static long monotonicMillis() { return System.nanoTime() / 1_000_000L; }

    /**
     * Asks the target for its presence. Call once the component can send (Tigase started, the
     * external component stream authenticated), and again after every reconnect. The probe
     * follows when {@code subscribed} comes back: never before, as a server may take a probe from
     * an unapproved contact as a denial.
     */
    public void start() {
        closed = false;
        areas.presence.subscribe();
    }

    /**
     * An IQ addressed to the component (RFC 6120 8.2.3). A get or set needs an id and exactly one
     * child ({@code bad-request} otherwise); it is an ad-hoc command, a disco query the component
     * answers itself, a request from the target to a sender, or a sender's request to the target.
     * A result or error answers a request the proxy forwarded one way or the other; one that
     * answers nothing is dropped and counted, never answered.
     */
    public void onIq(S stanza, Iq iq) {
        // Only unpacks, so it stays small enough for the JIT to inline into the caller; the
        // envelope then goes no further and escape analysis can keep it off the heap.
        dispatch(stanza, iq.from(), iq.to(), iq.id(), iq.type(), iq.children(), iq.childNamespace(), iq.errorCondition());
    }

    private void dispatch(S stanza, Jid from, Jid to, String id, String rawType, int children, String namespace,
                          String errorCondition) {
        if (from == null) {
            areas.refusals.drop(DropReason.NO_FROM, stanza);
            return;
        }
        Jid replyFrom = to == null ? component : to;
        IqType type = IqType.parse(rawType);
        if (type == null) {
            areas.refusals.reject(stanza, replyFrom, from, Iq.BAD_TYPE);
            return;
        }
        boolean fromTarget = from.hasBare(target.bare());
        // Cut out once: Jid keeps only its full string.
        String toResource = to == null ? null : to.resource();
        if (!type.isRequest()) {
            if (!fromTarget && areas.targetRequests.enabled() && id != null) {
                areas.targetRequests.onAnswer(stanza, from, id);
            } else if (!fromTarget) {
                areas.refusals.drop(DropReason.NOT_FROM_TARGET, stanza);
            } else {
                areas.senderRequests.onAnswer(stanza, from, toResource, id, type, errorCondition);
            }
        } else if (id == null || id.isEmpty()) {
            areas.refusals.reject(stanza, replyFrom, from, Iq.NO_ID);
        } else if (closed) {
            areas.refusals.reject(stanza, replyFrom, from, Refusals.SHUTTING_DOWN);
        } else if (children != 1) {
            areas.refusals.reject(stanza, replyFrom, from, Iq.NOT_ONE_CHILD);
        } else if (type == IqType.SET && AdminCommands.NS.equals(namespace)) {
            areas.commands.run(stanza, replyFrom, from);
        } else if (type == IqType.GET && areas.commands.isAboutCommands(stanza, namespace)) {
            areas.commands.answerDisco(stanza, replyFrom, from, namespace);
        } else if (type == IqType.GET && areas.disco.answersLocally(namespace, from, replyFrom)) {
            areas.disco.answer(stanza, replyFrom, from, namespace);
        } else if (fromTarget) {
            areas.targetRequests.onRequest(stanza, from, to, replyFrom, toResource, id, type);
        } else {
            areas.senderRequests.forward(stanza, from, replyFrom, id, type, namespace);
        }
    }

    /** A message addressed to the component: see {@link MessageRouting}. */
    public void onMessage(S stanza, Jid from, Jid to, String type) { areas.messages.onMessage(stanza, from, to, type); }

    /**
     * A presence addressed to the component ({@code type} null for available, {@code priority} 0
     * when absent): the target's is {@link TargetPresence}'s, anyone else's {@link ServicePresence}'s.
     */
    public void onPresence(S stanza, Jid from, Jid to, String type, int priority) {
        if (from != null && !from.hasBare(target.bare())) {
            areas.servicePresence.onPresence(stanza, from, to, type);
            return;
        }
        areas.presence.onPresence(stanza, from, to, type, priority);
        areas.servicePresence.refresh();
    }

    /**
     * The subscription is approved although no {@code subscribed} came: the adapter wrote it into
     * the target's roster on the server (Tigase's {@code user-roster-management} command). As for
     * {@code subscribed}: the component probes, and the other cluster nodes learn it.
     */
    public void approvedOnServer() {
        areas.presence.approved();
        areas.servicePresence.refresh();
    }

    /** The adapter's own counters (connection, parser, limits), shown by the {@code counters} admin command. */
    public void setAdapterCounters(Supplier<Map<String, Long>> counters) { areas.commands.adapterCounters(counters); }

    /** Who may run the admin commands (Tigase's admins, or the standalone {@code admins} option). */
    public void setAdmins(Predicate<Jid> admins) { areas.commands.admins(admins); }

    /** Whether {@code sender} is the server or one of its components (see {@link Disco#isServer}). */
    boolean isServer(Jid sender, Jid addressed) { return areas.disco.isServer(sender, addressed); }

    // Cluster (see ClusterSync).

    /**
     * Makes this core one node of a cluster, {@code localNode} as the other nodes know it (see
     * {@link ClusterNode}, {@link ClusterPeers}). Call before the first request.
     */
    public void joinCluster(String localNode, ClusterLink<S> link) { areas.cluster.join(localNode, link); }

    /**
     * Another node joined, or this node's instance came up while it was there: it learns what this
     * node knows first-hand and is asked for what that node knows (see {@link ClusterSync#nodeConnected}).
     */
    public void nodeConnected(String node) { areas.clusterSync.nodeConnected(node); }

    /** A node left the cluster: its resources are gone (gets move, sets get {@code recipient-unavailable}). */
    public void nodeDisconnected(String node) {
        areas.clusterSync.nodeDisconnected(node);
        areas.servicePresence.refresh();
    }

    /** A fact about the target's presence from cluster node {@code fromNode}. */
    public void onClusterEvent(String fromNode, TargetEvent event) {
        areas.clusterSync.onEvent(fromNode, event);
        areas.servicePresence.refresh();
    }

    /** Processes a stanza another node handed over ({@link ClusterLink#handOver}); never handed on again. */
    public void handedOver(Runnable processing) { areas.cluster.handedOver(processing); }

    // Time and shutdown.

    /**
     * Times out overdue requests, forgets idle mappings, re-subscribes when due, checks the
     * resources' health (pings, out of rotation). Call about once a second.
     */
    public void tick() {
        long now = clock.getAsLong();
        areas.senderRequests.expire(now);
        areas.health.tick(now);
        areas.presence.tick(now);
        areas.servicePresence.refresh();
    }

    /** Answers every pending request with an error and forgets the resources. */
    public void shutdown() {
        closed = true;
        areas.servicePresence.shutdown();
        for (PendingRequest<S> request : areas.pending.drain(clock.getAsLong())) {
            areas.refusals.answerAsker(request, Refusals.SHUTTING_DOWN);
        }
        areas.pool.clear();
    }

    /**
     * The connection to the server is gone: nothing can be sent now. Forgets the resources (their
     * presence will come again after {@link #start()}) and returns the requests that were pending,
     * settled, for the adapter to answer once it can, or to count as lost.
     */
    public List<S> disconnected() {
        areas.pool.clear();
        return areas.pending.drain(clock.getAsLong()).stream().map(r -> r.stanza).toList();
    }

    /**
     * The shard of the routing state that a stanza from {@code from} to {@code to} will lock: a
     * sender's own stanzas use its shard, and the target's stanzas to an encoded address use the
     * shard of the sender the token stands for. An adapter that processes stanzas on several
     * threads should pick the thread from this: each shard then stays with one thread, so threads
     * never wait for each other or pass the shard's memory between cores, and a request, its
     * reply and its sender's next request keep their order.
     *
     * @return a shard index, from 0 to {@link #DEFAULT_SHARDS} - 1 for a core built with the default shards
     */
    public int affinity(Jid from, Jid to) { return areas.table.shardFor(from, to, target); }

    // Observation.

    public ProxyCounters counters() { return areas.counters; }
    public ResourcePool resources() { return areas.pool; }
    public int pendingCount() { return areas.pending.pendingCount(); }
    public int mappingCount() { return areas.table.mappingCount(); }
    /** Users subscribed to the service's own presence that this node knows of (see {@link ServicePresence}). */
    public int serviceSubscriberCount() { return areas.servicePresence.subscriberCount(); }
    public boolean isSubscribed() { return areas.presence.subscription().isConfirmed(); }

    /** This cluster node's name ({@link #joinCluster}), or {@code this node} when not in a cluster. */
    public String localNode() { return areas.cluster.localNode(); }

    /** Where the subscription to the target's presence stands. */
    public SubscriptionState subscriptionState() { return areas.presence.subscription().state(); }
    public Jid component() { return component; }
    public ProxySettings settings() { return settings; }

    /** Every online resource's health and figures as counters, {@code resource/<resource>/<figure>} (see {@link ResourceHealth#figures}). */
    public Map<String, Long> resourceFigures() { return ResourceHealth.figures(areas.pool.snapshot(), clock.getAsLong()); }

    /** The online resources in a few words each, for a summary line (see {@link ResourceHealth#brief}). */
    public String resourcesBrief() { return ResourceHealth.brief(areas.pool.snapshot(), clock.getAsLong()); }

    /** One resource's health and figures in words (see {@link ResourceHealth#describe}). */
    public String describeResource(TargetResource r) { return ResourceHealth.describe(r, clock.getAsLong()); }

    /** The sender an encoded resource stands for now, or null. */
    public Jid senderOf(String token) { return areas.table.senderOf(token); }
}
