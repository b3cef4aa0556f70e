package io.clientproxy.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one proxy: events, errors sent by condition, drops by reason. Thread-safe. */
public final class ProxyCounters {
    private final LongAdder[] events = adders(Counter.values().length);
    private final LongAdder[] errors = adders(Condition.values().length);
    private final LongAdder[] drops = adders(DropReason.values().length);

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void count(Counter c) {
        events[c.ordinal()].increment();
    }

    void count(Condition c) {
        errors[c.ordinal()].increment();
        events[Counter.ERRORS_SENT.ordinal()].increment();
    }

    void count(DropReason r) {
        drops[r.ordinal()].increment();
    }

    public long get(Counter c) {
        return events[c.ordinal()].sum();
    }

    public long get(Condition c) {
        return errors[c.ordinal()].sum();
    }

    public long get(DropReason r) {
        return drops[r.ordinal()].sum();
    }

    public long droppedTotal() {
        long n = 0;
        for (LongAdder a : drops) {
            n += a.sum();
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
