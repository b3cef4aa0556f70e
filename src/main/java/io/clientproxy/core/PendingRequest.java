package io.clientproxy.core;

/**
 * A request not yet settled: one forwarded to the target (inbound), or one the target sent to a
 * mapped sender (outbound, where {@code resource} is the target's resource that asked and
 * {@code addressUsed} the component address it went out from). It is settled exactly once: by the
 * target's reply, by the timeout, by failing over when its resource leaves, or at shutdown; the
 * shard lock decides who gets there first.
 */
final class PendingRequest<S> extends IntrusiveList.Node implements Outcome {
    final SenderMapping<S> mapping;
    final String id;
    final S stanza;
    final Jid addressUsed;
    final IqType type;
    final long deadline;
    final boolean outbound;
    /** Where the request is now; changes when it fails over. Guarded by the shard lock. */
    TargetResource resource;
    /** Guarded by the shard lock. */
    boolean settled;
    /** The resources it was on before {@link #resource} (null until it first moves); written under the shard lock. */
    volatile TargetResource[] tried;

    PendingRequest(SenderMapping<S> mapping, String id, S stanza, Jid addressUsed, IqType type,
                   long deadline, TargetResource resource, boolean outbound) {
        this.outbound = outbound;
        this.mapping = mapping;
        this.id = id;
        this.stanza = stanza;
        this.addressUsed = addressUsed;
        this.type = type;
        this.deadline = deadline;
        this.resource = resource;
    }

    Jid sender() {
        return mapping.sender;
    }

    /** Whether it has been on {@code r} before: a get tries each resource at most once. */
    boolean hasTried(TargetResource r) {
        TargetResource[] t = tried;
        if (t != null) {
            for (TargetResource x : t) {
                if (x == r) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Records that it leaves {@code r}. Caller holds the shard lock. */
    void leave(TargetResource r) {
        TargetResource[] t = tried;
        TargetResource[] next = t == null ? new TargetResource[1] : java.util.Arrays.copyOf(t, t.length + 1);
        next[next.length - 1] = r;
        tried = next;
    }
}
