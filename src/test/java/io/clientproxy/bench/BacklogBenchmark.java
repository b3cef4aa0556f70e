package io.clientproxy.bench;

import io.clientproxy.core.Iq;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
 * Does the cycle slow down as the table grows? Before measuring, {@link #outstanding} requests
 * are made pending from as many distinct senders (one each; see {@link #backlogSenders}) and
 * never answered; the request timeout and idle timeout are a day, so none expires during the run. Then the same cycle as
 * {@link CycleBenchmark} runs on one thread with {@code core.tick()} once every 1,024 cycles, so
 * expiry is part of the cost. {@link #tick} measures a tick alone over the same table.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@Threads(1)
@State(Scope.Benchmark)
public class BacklogBenchmark {
    static final int TICK_EVERY = 1024;

    @Param({"1000", "1000000"})
    public int outstanding;

    /**
     * How many senders the outstanding requests come from: 0 for one sender each (a mapping per
     * request, the default), else that many senders with {@code outstanding / backlogSenders} each.
     */
    @Param("0")
    public int backlogSenders;

    @Param("1000")
    public int senders;

    @Param("2")
    public int resources;

    ProxyCore<Sink> core;
    Jid[] cycleSenders;
    String[] ids;
    final Sink sink = new Sink();
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        int room = outstanding + senders + 1_000;
        core = Bench.core(Bench.settings()
                .requestTimeout(Duration.ofDays(1))
                .jatIdleTimeout(Duration.ofDays(1))
                .maxPending(room)
                .maxPendingPerSender(room)
                .maxMappings(room)
                .build(), new SinkOutbox(), resources);
        Sink fill = new Sink();
        int backlogSenderCount = backlogSenders == 0 ? outstanding : backlogSenders;
        Jid[] backlog = Bench.senders("backlog", backlogSenderCount);
        String[] backlogIds = Bench.ids("never-answered-", outstanding / backlogSenderCount);
        for (String id : backlogIds) {
            for (Jid sender : backlog) {
                core.onIq(fill, new Iq(sender, Bench.COMPONENT, id, "get", 1));
            }
        }
        cycleSenders = Bench.senders("user", senders);
        ids = Bench.ids("req-", Bench.IDS);
        for (Jid sender : cycleSenders) {
            Bench.cycle(core, sink, sender, ids[0]);
        }
        Bench.verify(core, outstanding);
        Bench.settleHeap();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Bench.verify(core, outstanding);
    }

    @Benchmark
    public Jid cycleWithTicks() {
        int i = next++;
        Bench.cycle(core, sink, cycleSenders[(i & Integer.MAX_VALUE) % cycleSenders.length], ids[i & (Bench.IDS - 1)]);
        if ((i & (TICK_EVERY - 1)) == 0) {
            core.tick();
        }
        return sink.to;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 3, time = 1)
    @Fork(value = 2, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
    public void tick() {
        core.tick();
    }
}
