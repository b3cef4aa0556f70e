package io.clientproxy.bench;

import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request-then-reply cycles through one shared core: one op is a {@code get} from one of
 * {@link #senders} pre-built senders (the thread's own) to the component, which the core
 * translates, records as pending and forwards to a randomly picked online resource, then that
 * resource's {@code result}, which the core matches, settles and forwards to the sender.
 * Mappings exist before measuring (a steady state of known senders); the benchmark allocates
 * nothing itself. Same code at one and two threads, so the ratio shows how the core scales.
 *
 * <p>Two threads run two ways. {@link #cycle2Threads}: each thread serves the senders whose
 * {@link ProxyCore#affinity shard} falls to it, as the Tigase adapter dispatches stanzas to its
 * processing threads (thread = affinity mod threads), so the threads never share a shard.
 * {@link #cycle2ThreadsUnpartitioned}: each thread has senders in every shard, as an adapter that
 * ignored the affinity would; the threads then pass every shard's memory back and forth.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 6, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class CycleBenchmark {
    /** Senders per benchmark thread. */
    @Param("1000")
    public int senders;

    /** Online resources of the target (the random balancer picks one per request). */
    @Param("2")
    public int resources;

    ProxyCore<Sink> core;
    final AtomicInteger threadSlots = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
        core = Bench.core(Bench.settings().build(), new SinkOutbox(), resources);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Bench.verify(core, 0);
    }

    /** A benchmark thread's senders (its own, never another thread's), ids and stanza handle. */
    public abstract static class Senders {
        final Sink sink = new Sink();
        Jid[] senders;
        String[] ids;
        int next;

        /** Builds the senders and makes each known to {@code core}: mappings exist before measuring. */
        void prepare(ProxyCore<Sink> core, String prefix, int count) {
            prepare(core, Bench.senders(prefix, count));
        }

        /** Makes each of {@code senders} known to {@code core}. */
        void prepare(ProxyCore<Sink> core, Jid[] senders) {
            this.senders = senders;
            ids = Bench.ids("req-", Bench.IDS);
            for (Jid sender : senders) {
                Bench.cycle(core, sink, sender, ids[0]);
            }
        }

        Jid sender() {
            int i = next++;
            return senders[(i & Integer.MAX_VALUE) % senders.length];
        }
    }

    /** A thread of the shared-core benchmarks whose senders lie in every shard. */
    @State(Scope.Thread)
    public static class ThreadState extends Senders {
        @Setup(Level.Trial)
        public void setUp(CycleBenchmark shared) {
            prepare(shared.core, "t" + shared.threadSlots.getAndIncrement() + "-user", shared.senders);
            Bench.settleHeap();
        }
    }

    /** A thread of two that serves only the senders whose shard the adapter would give it. */
    @State(Scope.Thread)
    public static class PartitionedThread extends Senders {
        @Setup(Level.Trial)
        public void setUp(CycleBenchmark shared) {
            int slot = shared.threadSlots.getAndIncrement();
            prepare(shared.core, Bench.sendersOfThread(shared.core, "p-user", shared.senders, slot, 2));
            Bench.settleHeap();
        }
    }

    @Benchmark
    @Threads(1)
    public Jid cycle1Thread(CycleBenchmark shared, ThreadState t) {
        return run(shared.core, t);
    }

    @Benchmark
    @Threads(2)
    public Jid cycle2Threads(CycleBenchmark shared, PartitionedThread t) {
        return run(shared.core, t);
    }

    @Benchmark
    @Threads(2)
    public Jid cycle2ThreadsUnpartitioned(CycleBenchmark shared, ThreadState t) {
        return run(shared.core, t);
    }

    /**
     * The ceiling for {@link #cycle2Threads} on this machine: two threads, each with a core of its
     * own, so they share nothing but the JVM (heap, GC, JIT) and the CPUs.
     */
    @Benchmark
    @Threads(2)
    public Jid cycle2ThreadsOwnCores(OwnCore t) {
        return run(t.core, t);
    }

    /** A thread with a core of its own (same settings and resources as the shared one). */
    @State(Scope.Thread)
    public static class OwnCore extends Senders {
        ProxyCore<Sink> core;

        @Setup(Level.Trial)
        public void setUpCore(CycleBenchmark shared) {
            core = Bench.core(Bench.settings().build(), new SinkOutbox(), shared.resources);
            prepare(core, "own-user", shared.senders);
            Bench.settleHeap();
        }

        @TearDown(Level.Trial)
        public void tearDownCore() {
            Bench.verify(core, 0);
        }
    }

    static Jid run(ProxyCore<Sink> core, Senders t) {
        int i = t.next;
        Jid sender = t.sender();
        Bench.cycle(core, t.sink, sender, t.ids[i & (Bench.IDS - 1)]);
        return t.sink.to; // the sender, after the reply
    }
}
