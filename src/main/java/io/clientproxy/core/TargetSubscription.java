package io.clientproxy.core;

/**
 * The component's subscription to the target's presence: when to ask again after a denial. The
 * wait doubles with each denial in a row, up to a cap, so a client that always denies is asked
 * rarely rather than in a loop; a confirmation resets it.
 */
final class TargetSubscription {
    private final long minMillis;
    private final long maxMillis;
    private int denials;
    private long retryAt = -1;
    private boolean confirmed;

    TargetSubscription(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    synchronized void requested() {
        // Unknown again until the server answers: after a reconnect the old answer no longer counts.
        confirmed = false;
        retryAt = -1;
    }

    synchronized void confirmed() {
        confirmed = true;
        denials = 0;
        retryAt = -1;
    }

    /** @return how long until the next request */
    synchronized long denied(long now) {
        confirmed = false;
        denials++;
        long wait = minMillis << Math.min(denials - 1, 30);
        if (wait <= 0 || wait > maxMillis) {
            wait = maxMillis;
        }
        retryAt = now + wait;
        return wait;
    }

    /** True once when a scheduled request is due. */
    synchronized boolean due(long now) {
        if (retryAt >= 0 && now >= retryAt) {
            retryAt = -1;
            return true;
        }
        return false;
    }

    synchronized boolean isConfirmed() {
        return confirmed;
    }
}
