package io.clientproxy.standalone;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Monotonic counts of {@link StandaloneCounter} events. Thread-safe. */
public final class StandaloneCounters {
    private final LongAdder[] counts = new LongAdder[StandaloneCounter.values().length];

    StandaloneCounters() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void count(StandaloneCounter c) {
        counts[c.ordinal()].increment();
    }

    void add(StandaloneCounter c, long n) {
        counts[c.ordinal()].add(n);
    }

    public long get(StandaloneCounter c) {
        return counts[c.ordinal()].sum();
    }

    /** Every counter by {@link StandaloneCounter#key()}, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (StandaloneCounter c : StandaloneCounter.values()) {
            out.put(c.key(), get(c));
        }
        return out;
    }
}
