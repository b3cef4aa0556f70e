package io.clientproxy.standalone;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Monotonic counts of {@link StandaloneCounter} events. Thread-safe. A LongAdder each, not the
 * core's per-shard striping (package-private there): these count the adapter's failures and its
 * rejected or stray stanzas, not every request.
 */
public final class StandaloneCounters {
    private final LongAdder[] counts = Stream.generate(LongAdder::new).limit(StandaloneCounter.values().length)
            .toArray(LongAdder[]::new);

    StandaloneCounters() {
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
