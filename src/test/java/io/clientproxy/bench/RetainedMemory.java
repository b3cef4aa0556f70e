package io.clientproxy.bench;

import io.clientproxy.core.Iq;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap the core retains per pending request and per JAT mapping (not a JMH benchmark: a plain
 * main, one scenario per JVM so runs do not disturb each other; run it with -Xmx512m to prove a
 * million pending requests fit). Everything the adapter owns is built before the baseline and
 * stays reachable, so it is not counted: the one stanza object every request shares, the sender
 * JIDs and the id strings. What is counted is what the core allocates and keeps.
 *
 * <pre>
 * pending           1,000 senders x 1,000 ids each: 1,000,000 pending requests (1,000 mappings)
 * pending-distinct  1,000,000 senders with one pending request each (1,000,000 mappings)
 * mappings          1,000,000 senders, each request answered: 1,000,000 idle mappings, none pending
 * </pre>
 *
 * Arguments: scenario [count] [--histogram]. With --histogram it also prints the classes whose
 * live bytes grew most (from {@code jcmd <pid> GC.class_histogram}), per entry.
 */
public final class RetainedMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "pending";
        int count = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 1_000_000;
        boolean histogram = List.of(args).contains("--histogram");

        int senderCount;
        int idsPerSender;
        boolean answer;
        switch (scenario) {
            case "pending" -> { senderCount = 1_000; idsPerSender = count / 1_000; answer = false; }
            case "pending-distinct" -> { senderCount = count; idsPerSender = 1; answer = false; }
            case "mappings" -> { senderCount = count; idsPerSender = 1; answer = true; }
            default -> throw new IllegalArgumentException("scenario: pending, pending-distinct or mappings");
        }
        int requests = senderCount * idsPerSender;

        SinkOutbox outbox = new SinkOutbox();
        ProxyCore<Sink> core = Bench.core(Bench.settings()
                .requestTimeout(Duration.ofDays(1))
                .jatIdleTimeout(Duration.ofDays(1))
                .maxPending(requests + 1)
                .maxPendingPerSender(idsPerSender + 1)
                .maxMappings(senderCount + 1)
                .build(), outbox, 1);
        Sink stanza = new Sink(); // the one stanza every request shares
        Jid[] senders = Bench.senders("user", senderCount);
        String[] ids = Bench.ids("req-", idsPerSender);
        // Warm the code paths (and their one-off allocations) before the baseline.
        Jid warm = Jid.of("warm@example.net", "res");
        Bench.cycle(core, stanza, warm, "warm");

        Map<String, long[]> before = histogram ? histogram() : null;
        long base = usedAfterGc();
        long start = System.nanoTime();
        int done = 0;
        try {
            for (int id = 0; id < idsPerSender; id++) {
                for (Jid sender : senders) {
                    if (answer) {
                        Bench.cycle(core, stanza, sender, ids[id]);
                    } else {
                        core.onIq(stanza, new Iq(sender, Bench.COMPONENT, ids[id], "get", 1));
                    }
                    done++;
                }
            }
        } catch (OutOfMemoryError e) {
            senders = null;
            System.out.printf("%s: OutOfMemoryError after %,d of %,d (max heap %,d MB)%n",
                    scenario, done, requests, Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("RESULT %s %d OOM %d%n", scenario, Runtime.getRuntime().maxMemory() >> 20, done);
            System.exit(2);
        }
        long fillMillis = (System.nanoTime() - start) / 1_000_000;
        long after = usedAfterGc();
        Bench.verify(core, answer ? 0 : requests);
        long perUnit = (after - base) / (answer ? senderCount : requests);

        System.out.printf("%s: %,d senders, %,d pending, %,d mappings; filled in %,d ms; max heap %,d MB%n",
                scenario, senderCount, core.pendingCount(), core.mappingCount(), fillMillis,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("%s: heap used after GC %,d -> %,d bytes (baseline holds the adapter's sender JIDs and ids): "
                        + "retained by the core %,d bytes = %,d bytes per %s%n",
                scenario, base, after, after - base, perUnit, answer ? "mapping" : "pending request");
        System.out.printf("RESULT %s %d %d %d%n", scenario, Runtime.getRuntime().maxMemory() >> 20, perUnit, after >> 20);
        if (histogram) {
            printGrowth(before, histogram(), answer ? senderCount : requests);
        }
        Reference.reachabilityFence(core);
        Reference.reachabilityFence(senders);
        Reference.reachabilityFence(ids);
        Reference.reachabilityFence(stanza);
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Class name to {instances, bytes}, live objects only (jcmd runs a full GC first). */
    private static Map<String, long[]> histogram() throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        Map<String, long[]> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
        }
        p.waitFor();
        return out;
    }

    private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int units) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (d[1] > 0) {
                grown.add(Map.entry(e.getKey(), d));
                total += d[1];
            }
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        System.out.printf("  live growth by class (jcmd GC.class_histogram), per unit of %,d:%n", units);
        System.out.printf("  %-60s %12s %14s %10s%n", "class", "instances", "bytes", "B/unit");
        for (int i = 0; i < Math.min(10, grown.size()); i++) {
            Map.Entry<String, long[]> e = grown.get(i);
            System.out.printf("  %-60s %,12d %,14d %10.1f%n", e.getKey(), e.getValue()[0], e.getValue()[1],
                    (double) e.getValue()[1] / units);
        }
        System.out.printf("  %-60s %12s %,14d %10.1f%n", "total grown", "", total, (double) total / units);
    }
}
