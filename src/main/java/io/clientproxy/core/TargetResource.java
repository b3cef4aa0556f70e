package io.clientproxy.core;

/** One online resource of the target account, as its presence described it. */
public final class TargetResource {
    private final Jid jid;
    // Striped by shard: every request adds and removes one, from the thread that owns its shard.
    private final ResourceStats stats = new ResourceStats();
    private final Liveness liveness = new Liveness();
    /** The kinds of request it refuses while others serve them; null until it first refuses one. */
    private volatile RefusedKinds refusals;
    private volatile int priority;
    private volatile boolean online = true;
    /** The cluster node where its session is, as learnt from that node; null: this node (or no cluster). */
    private volatile String node;
    /** Until when (monotonic ms) new requests avoid this resource, after it bounced one; 0: never. */
    private volatile long suspectUntil;

    TargetResource(Jid jid, int priority) {
        this.jid = jid;
        this.priority = priority;
    }

    public Jid jid() {
        return jid;
    }

    /** The cluster node whose instance saw its presence (where its session is); null for this node. */
    public String node() {
        return node;
    }

    void node(String node) {
        this.node = node;
    }

    /** The presence priority (RFC 6121 4.7.2.3), 0 when the presence had none. */
    public int priority() {
        return priority;
    }

    /** Requests sent to this resource and not yet settled. */
    public int inFlight() {
        return (int) stats.inFlight();
    }

    /** What it has done since it came online. */
    public ResourceStats stats() {
        return stats;
    }

    /** Whether it serves, is suspected or out of rotation (see {@link ResourceHealth}). */
    public Liveness liveness() {
        return liveness;
    }

    /** Whether it has lately refused requests of {@code namespace} that another resource served. */
    boolean refuses(String namespace, long now) {
        RefusedKinds r = refusals;
        return r != null && namespace != null && r.refuses(namespace, now);
    }

    /** It refused a request of {@code namespace} that another resource then served; true when it stops getting them now. */
    boolean strike(String namespace, long now) {
        RefusedKinds r = refusals;
        if (r == null) {
            synchronized (this) {
                r = refusals;
                if (r == null) {
                    refusals = r = new RefusedKinds();
                }
            }
        }
        return r.strike(namespace, now);
    }

    /** Whether it has refused {@code namespace} before while another resource served it (see {@link RefusedKinds#corroborated}). */
    boolean refusedBefore(String namespace) {
        RefusedKinds r = refusals;
        return r != null && namespace != null && r.corroborated(namespace);
    }

    /**
     * Whether it has a refusal on record (see {@link RefusedKinds}). Not just whether it ever had
     * one: every result it gives while this is true costs a look at the payload's namespace.
     */
    boolean hasRefusedKinds() {
        RefusedKinds r = refusals;
        return r != null && !r.isEmpty();
    }

    /** It gave a result for a request of {@code namespace}. */
    void served(String namespace) {
        RefusedKinds r = refusals;
        if (r != null && namespace != null) {
            r.served(namespace);
        }
    }

    void clearRefusals() {
        refusals = null;
    }

    /** The namespaces it gets no requests of now, space-separated; empty when none. */
    public String refusedNamespaces(long now) {
        RefusedKinds r = refusals;
        return r == null ? "" : r.describe(now);
    }

    /** False once the resource has left the pool; requests still pointing at it must move. */
    public boolean isOnline() {
        return online;
    }

    void goOffline() {
        online = false;
    }

    /**
     * Whether the resource bounced a request recently (until {@code now}, monotonic ms): new
     * requests go elsewhere while another resource is online.
     */
    public boolean isSuspect(long now) {
        long until = suspectUntil;
        return until != 0 && now < until;
    }

    void suspectUntil(long until) {
        suspectUntil = until;
    }

    /** A request of shard {@code shard} came to this resource (+1) or left it (-1). */
    void addInFlight(int shard, int delta) {
        stats.addInFlight(shard, delta);
        if (delta > 0) {
            // Every request that comes to it, new or moved, comes through here once.
            stats.add(ResourceStats.REQUESTS, shard, delta);
        }
    }

    void setPriority(int priority) {
        this.priority = priority;
    }

    @Override
    public String toString() {
        return jid + " (priority " + priority + ", in flight " + inFlight() + ")";
    }
}
