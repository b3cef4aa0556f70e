package io.clientproxy.core;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed set of counters, each split into stripes that lie on cache lines of their own; a caller
 * adds to the stripe of the shard it works on. Threads that each keep to their own shards (as the
 * adapters arrange, see {@link ProxyCore#affinity}) then never write the same line. A LongAdder
 * picks its cell from the thread instead, and two threads whose cells happen to coincide pass the
 * line back and forth on every count without ever noticing: measured, that alone cost two threads
 * on a shared core a third of their throughput.
 */
final class StripedCounters {
    private static final int LONGS_PER_LINE = 8;
    private final AtomicLongArray cells;
    /**
     * Longs per stripe: the counters rounded up to whole lines, plus a line so that no two stripes
     * share one. Stripe k lives in block k + 1: block 0 stays empty, since the array's header and
     * the objects just before it (this one, the AtomicLongArray) are read on every count by every
     * thread, and must not share a line with stripe 0, which one thread writes all the time.
     */
    private final int width;
    private final int stripeMask;
    private final int counters;

    /** @param stripes a power of two */
    StripedCounters(int counters, int stripes) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
        }
        this.counters = counters;
        this.width = (counters + LONGS_PER_LINE - 1) / LONGS_PER_LINE * LONGS_PER_LINE + LONGS_PER_LINE;
        this.stripeMask = stripes - 1;
        this.cells = new AtomicLongArray(width * (stripes + 1));
    }

    void add(int counter, int stripe, long delta) {
        cells.getAndAdd(((stripe & stripeMask) + 1) * width + counter, delta);
    }

    /**
     * Adds without an atomic instruction (an opaque read and write): exact as long as each stripe
     * is only written by one thread at a time, as the adapters arrange by dispatching each shard
     * to one thread ({@link ProxyCore#affinity}); a count may be lost when two threads write one
     * stripe at once. For figures that are shown, never for ones that decide (in-flight counts).
     */
    void addPlain(int counter, int stripe, long delta) {
        int i = ((stripe & stripeMask) + 1) * width + counter;
        cells.setOpaque(i, cells.getOpaque(i) + delta);
    }

    long sum(int counter) {
        if (counter < 0 || counter >= counters) {
            throw new IndexOutOfBoundsException(counter);
        }
        long total = 0;
        for (int i = width + counter; i < cells.length(); i += width) {
            total += cells.get(i);
        }
        return total;
    }
}
