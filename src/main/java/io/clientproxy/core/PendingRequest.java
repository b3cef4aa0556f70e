package io.clientproxy.core;

import java.util.Arrays;

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
    /** The number of its current forward toward the target; a new one each time it moves. Written under the shard lock. */
    long forward;
    /** The resources it was on before {@link #resource} (null until it first moves); written under the shard lock. */
    volatile TargetResource[] tried;
    /** When (monotonic ms) it was forwarded to its current resource. Written under the shard lock. */
    long sentAt;
    /**
     * The resources that answered it {@code feature-not-implemented} or {@code service-unavailable}
     * before it moved on (null while none did): if another serves it, they refused what they could not do.
     */
    volatile TargetResource[] refusedBy;

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

    /**
     * The id the target sees: {@code <forward number>.<the sender's id>}. The number
     * makes every forward distinct, so a late answer to an abandoned or timed-out forward never
     * matches a later request that reuses the sender's id; the sender's id in it lets a reply find
     * its request with the one look-up by sender id the mapping keeps (no second index). Decimal:
     * the concatenation writes a long in place, so the id is the one string it allocates.
     */
    String forwardId() {
        return forward + FORWARD_SEPARATOR + id;
    }

    static final String FORWARD_SEPARATOR = ".";

    /** Where the separator stands in an id the target answered with, -1 when nowhere. */
    static int separatorOf(String forwardId) {
        return forwardId.indexOf(FORWARD_SEPARATOR);
    }

    /**
     * The forward number in an id the target answered with, given where its separator is
     * ({@link #separatorOf}), or -1 when the id is not one of ours; the sender's id starts after
     * the separator.
     */
    static long forwardOf(String forwardId, int dot) {
        if (dot <= 0 || dot > 18 || (dot > 1 && forwardId.charAt(0) == '0')) {
            return -1L;
        }
        long n = 0;
        for (int i = 0; i < dot; i++) {
            char c = forwardId.charAt(i);
            if (c < '0' || c > '9') {
                return -1L;
            }
            n = n * 10 + (c - '0');
        }
        return n;
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

    /** Records that {@code r} refused it (see {@link #refusedBy}). */
    synchronized void refusedBy(TargetResource r) {
        TargetResource[] t = refusedBy;
        TargetResource[] next = t == null ? new TargetResource[1] : java.util.Arrays.copyOf(t, t.length + 1);
        next[next.length - 1] = r;
        refusedBy = next;
    }

    /** Records that it leaves {@code r}. Caller holds the shard lock. */
    void leave(TargetResource r) {
        TargetResource[] t = tried;
        TargetResource[] next = t == null ? new TargetResource[1] : Arrays.copyOf(t, t.length + 1);
        next[next.length - 1] = r;
        tried = next;
    }
}
