package io.clientproxy.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of one proxy: events, errors sent by condition, drops by reason. Thread-safe. Counts on
 * the path of every request name the shard they belong to (see {@link StripedCounters}).
 */
public final class ProxyCounters {
    private static final int STRIPES = ProxyCore.DEFAULT_SHARDS;
    private final StripedCounters events = new StripedCounters(Counter.values().length, STRIPES);
    private final StripedCounters errors = new StripedCounters(Condition.values().length, STRIPES);
    private final StripedCounters drops = new StripedCounters(DropReason.values().length, STRIPES);

    void count(Counter c) {
        count(c, 0);
    }

    /** Counts an event of the shard {@code stripe}. */
    void count(Counter c, int stripe) {
        events.add(c.ordinal(), stripe, 1);
    }

    void count(Condition c) {
        count(c, 0);
    }

    void count(Condition c, int stripe) {
        errors.add(c.ordinal(), stripe, 1);
        events.add(Counter.ERRORS_SENT.ordinal(), stripe, 1);
    }

    void count(DropReason r) {
        drops.add(r.ordinal(), 0, 1);
    }

    public long get(Counter c) {
        return events.sum(c.ordinal());
    }

    public long get(Condition c) {
        return errors.sum(c.ordinal());
    }

    public long get(DropReason r) {
        return drops.sum(r.ordinal());
    }

    public long droppedTotal() {
        long n = 0;
        for (DropReason r : DropReason.values()) {
            n += get(r);
        }
        return n;
    }

    /**
     * All counters by name, in a stable order: {@code requests-forwarded}, ...,
     * {@code errors/<condition>}, {@code dropped/<reason>}.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            out.put(c.key(), get(c));
        }
        for (Condition c : Condition.values()) {
            out.put("errors/" + c.xml(), get(c));
        }
        for (DropReason r : DropReason.values()) {
            out.put("dropped/" + r.key(), get(r));
        }
        return out;
    }
}
