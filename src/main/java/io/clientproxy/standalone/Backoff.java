package io.clientproxy.standalone;

import java.time.Duration;

/** Reconnect delays: the minimum first, doubling with each failure in a row up to the maximum. */
final class Backoff {
    private final Duration min;
    private final Duration max;
    private Duration next;

    Backoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.next = min.compareTo(max) > 0 ? max : min;
    }

    /** The delay before the next attempt; the one after will be twice as long, up to the maximum. */
    Duration next() {
        Duration now = next;
        // Compared before doubling, so that no configured maximum can overflow.
        next = next.compareTo(max.dividedBy(2)) > 0 ? max : next.multipliedBy(2);
        return now;
    }

    /** A connection succeeded: the next failure waits the minimum again. */
    void reset() {
        next = min;
    }
}
