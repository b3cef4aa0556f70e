package io.clientproxy.core;

/**
 * What one resource of the target has done since it came online: requests sent to it (moved
 * ones included), requests in flight, results, the bot's own errors (error answers from the
 * resource, counted apart from the errors the proxy gives), timeouts, and its answer latency as
 * a histogram (milliseconds from the forward to the answer). Counted per shard on lines of their
 * own ({@link StripedCounters}), as every request and answer counts here.
 *
 * <p>Latency buckets are logarithmic, four per power of two (each at most 19% wide); a
 * percentile reads as the upper edge of its bucket. Latencies above 2^17 ms (131 s) count in the
 * last bucket.
 */
public final class ResourceStats {
    static final int IN_FLIGHT = 0;
    static final int REQUESTS = 1;
    static final int RESULTS = 2;
    static final int BOT_ERRORS = 3;
    static final int TIMEOUTS = 4;
    private static final int FIRST_BUCKET = 5;
    private static final int MAX_EXPONENT = 16;
    static final int BUCKETS = 4 * MAX_EXPONENT;
    private static final long MAX_MILLIS = (1L << (MAX_EXPONENT + 1)) - 1;

    private final StripedCounters cells = new StripedCounters(FIRST_BUCKET + BUCKETS, ProxyCore.DEFAULT_SHARDS);

    /** In flight: exact (the least-pending balancer decides by it). */
    void addInFlight(int shard, long delta) {
        cells.add(IN_FLIGHT, shard, delta);
    }

    /**
     * A figure that is only shown ({@link #REQUESTS}, {@link #TIMEOUTS}): counted without an
     * atomic instruction, exact while each shard stays on one thread (see {@link StripedCounters#addPlain}).
     */
    void add(int counter, int shard, long delta) {
        cells.addPlain(counter, shard, delta);
    }

    /** One answer (result or error) from the resource {@code millis} after its forward. */
    void answered(int shard, boolean result, long millis) {
        cells.addPlain(result ? RESULTS : BOT_ERRORS, shard, 1);
        cells.addPlain(FIRST_BUCKET + bucketOf(millis), shard, 1);
    }

    static int bucketOf(long millis) {
        long v = Math.min(Math.max(millis, 0), MAX_MILLIS);
        if (v < 4) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v);
        return 4 * (e - 1) + (int) ((v >> (e - 2)) & 3);
    }

    /** The largest latency (ms) bucket {@code b} holds. */
    static long upperEdge(int b) {
        if (b < 4) {
            return b;
        }
        int e = b / 4 + 1;
        long sub = b % 4;
        return ((4 + sub + 1) << (e - 2)) - 1;
    }

    public long inFlight() {
        return cells.sum(IN_FLIGHT);
    }

    public long requests() {
        return cells.sum(REQUESTS);
    }

    public long results() {
        return cells.sum(RESULTS);
    }

    /** Error answers from the resource itself (the bot's own errors, and its server's bounces). */
    public long botErrors() {
        return cells.sum(BOT_ERRORS);
    }

    public long timeouts() {
        return cells.sum(TIMEOUTS);
    }

    /** The latencies measured: answers counted in the histogram. */
    public long answers() {
        long n = 0;
        for (int b = 0; b < BUCKETS; b++) {
            n += cells.sum(FIRST_BUCKET + b);
        }
        return n;
    }

    /**
     * The latency (ms) below which a fraction {@code q} (0 to 1) of this resource's answers came,
     * as the upper edge of its bucket; -1 when it has answered nothing yet.
     */
    public long percentile(double q) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int b = 0; b < BUCKETS; b++) {
            counts[b] = cells.sum(FIRST_BUCKET + b);
            total += counts[b];
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts[b];
            if (seen >= Math.max(rank, 1)) {
                return upperEdge(b);
            }
        }
        return upperEdge(BUCKETS - 1);
    }
}
