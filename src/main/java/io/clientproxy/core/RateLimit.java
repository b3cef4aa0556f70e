package io.clientproxy.core;

/**
 * A token bucket: {@code perSecond} requests a second on average, up to {@code burst} at once.
 * One per sender mapping, guarded by its shard's lock.
 */
final class RateLimit {
    private final double perMilli;
    private final double burst;
    private double tokens;
    private long last;

    RateLimit(double perSecond, int burst, long now) {
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token if there is one. */
    boolean tryAcquire(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * perMilli);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
