package io.clientproxy.core;

/** One online resource of the target account, as its presence described it. */
public final class TargetResource {
    private final Jid jid;
    // Striped by shard: every request adds and removes one, from the thread that owns its shard.
    private final StripedCounters inFlight = new StripedCounters(1, ProxyCore.DEFAULT_SHARDS);
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
        return (int) inFlight.sum(0);
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
        inFlight.add(0, shard, delta);
    }

    void setPriority(int priority) {
        this.priority = priority;
    }

    @Override
    public String toString() {
        return jid + " (priority " + priority + ", in flight " + inFlight() + ")";
    }
}
