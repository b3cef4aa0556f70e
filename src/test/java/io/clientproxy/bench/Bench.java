package io.clientproxy.bench;

import io.clientproxy.core.Counter;
import io.clientproxy.core.Iq;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;
import io.clientproxy.core.ProxySettings;

/** What the benchmarks share: addresses, a core with online resources, pre-built senders and ids. */
final class Bench {
    static final Jid COMPONENT = Jid.parse("proxy.example.com");
    static final Jid TARGET = Jid.parse("bot@example.com");
    /** Distinct request ids a benchmark thread cycles through (a power of two). */
    static final int IDS = 1024;

    private Bench() {
    }

    /** A core as an adapter builds it (random balancer, monotonic clock, default shards) with resources online. */
    static ProxyCore<Sink> core(ProxySettings settings, SinkOutbox outbox, int resources) {
        ProxyCore<Sink> core = new ProxyCore<>(settings, COMPONENT, outbox);
        Sink presence = new Sink();
        for (int r = 0; r < resources; r++) {
            core.onPresence(presence, TARGET.withResource("worker-" + r), COMPONENT, null, 0);
        }
        if (core.resources().size() != resources) {
            throw new IllegalStateException("resources not online: " + core.resources().size());
        }
        return core;
    }

    static ProxySettings.Builder settings() {
        return ProxySettings.builder().target(TARGET);
    }

    /** {@code count} distinct full JIDs, pre-built as an adapter would hand them over. */
    static Jid[] senders(String prefix, int count) {
        Jid[] jids = new Jid[count];
        for (int i = 0; i < count; i++) {
            jids[i] = Jid.of(prefix + i + "@example.net", "res");
        }
        return jids;
    }

    /**
     * {@code count} distinct senders that an adapter with {@code threads} processing threads would
     * give to thread {@code thread}: those whose {@link ProxyCore#affinity} mod threads is it.
     */
    static Jid[] sendersOfThread(ProxyCore<Sink> core, String prefix, int count, int thread, int threads) {
        Jid[] jids = new Jid[count];
        int found = 0;
        for (int i = 0; found < count; i++) {
            Jid sender = Jid.of(prefix + i + "@example.net", "res");
            if (core.affinity(sender, COMPONENT) % threads == thread) {
                jids[found++] = sender;
            }
        }
        return jids;
    }

    static String[] ids(String prefix, int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = prefix + i;
        }
        return ids;
    }

    /** One request from {@code sender} and the target's reply to its forwarded copy. */
    static void cycle(ProxyCore<Sink> core, Sink s, Jid sender, String id) {
        core.onIq(s, new Iq(sender, COMPONENT, id, "get", 1));
        // s.from is now the encoded address (component/<token>), s.to the picked resource, s.id
        // the forward's id.
        core.onIq(s, new Iq(s.to, s.from, s.id, "result", 1));
    }

    /**
     * Full GCs, so that everything set up so far is in the old generation, as a long-running
     * server's routing state is. Without this the state built in setup can stay young for a whole
     * short run (no young GC happens), which skips the GC write barrier's slow path for every
     * store of a new object into it and makes small setups look faster than they are.
     * {@code -Dbench.young=true} skips it, to compare.
     */
    static void settleHeap() {
        if (Boolean.getBoolean("bench.young")) {
            return;
        }
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
    }

    /** Fails the trial if anything but forwarded requests and delivered replies happened. */
    static void verify(ProxyCore<Sink> core, int expectedPending) {
        long forwarded = core.counters().get(Counter.REQUESTS_FORWARDED);
        long delivered = core.counters().get(Counter.REPLIES_DELIVERED);
        long errors = core.counters().get(Counter.ERRORS_SENT);
        long dropped = core.counters().droppedTotal();
        if (errors != 0 || dropped != 0 || core.pendingCount() != expectedPending
                || forwarded - delivered != expectedPending) {
            throw new IllegalStateException("benchmark did not run clean cycles: forwarded=" + forwarded
                    + " delivered=" + delivered + " errors=" + errors + " dropped=" + dropped
                    + " pending=" + core.pendingCount() + " (expected " + expectedPending + ") "
                    + core.counters().snapshot());
        }
    }
}
