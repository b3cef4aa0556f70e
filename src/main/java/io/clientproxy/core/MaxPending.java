package io.clientproxy.core;

/**
 * The {@code max-pending} bound: how many requests, both directions, may be pending at once over
 * all shards.
 *
 * <p>Each shard may hold a small reserve (max-pending / (16 x shards)) without looking at the
 * others, so a request in a shard below its reserve costs no read of another thread's memory (a
 * shared counter read on every request took a cache line from the other core each time). Past
 * its reserve, a shard admits only while the sum over shards of max(pending, reserve) stays below
 * max-pending: so the total never passes max-pending (concurrent admissions past their reserves
 * may pass it by one each, as a counter checked before adding would), and a request is refused
 * only when at least max-pending minus the unused reserves (under 1/16 of it) are pending. With
 * max-pending below 16 x shards (256) the reserve is 0 and the bound is exact.
 */
final class MaxPending {
    private final JatShard<?>[] shards;
    private final int max;
    /** What each shard may hold without looking at the others. */
    private final int reserve;

    MaxPending(JatShard<?>[] shards, int max) {
        this.shards = shards;
        this.max = max;
        this.reserve = max / (16 * shards.length);
    }

    /** Whether {@code shard} may not take one more. Caller holds its lock; the other shards' counts are read without theirs. */
    boolean reached(JatShard<?> shard) {
        if (shard.pending() < reserve) {
            return false;
        }
        long committed = 0;
        for (JatShard<?> s : shards) {
            committed += Math.max(s.pendingUnlocked(), reserve);
        }
        return committed >= max;
    }

    /** Pending requests over all shards, each as last seen (no lock). */
    int total() {
        int total = 0;
        for (JatShard<?> s : shards) {
            total += s.pendingUnlocked();
        }
        return total;
    }
}
