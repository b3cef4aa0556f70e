package io.clientproxy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;
import org.junit.jupiter.api.Test;

/** The benchmarks measure real cycles: each reply is delivered, none dropped (a dropped reply is cheaper and would flatter them). */
class BenchCycleTest {
    @Test
    void everyCycleDeliversItsReply() {
        ProxyCore<Sink> core = Bench.core(Bench.settings().build(), new SinkOutbox(), 4);
        Sink sink = new Sink();
        Jid[] senders = Bench.senders("check-", 10);
        for (int round = 0; round < 3; round++) {
            for (Jid sender : senders) {
                Bench.cycle(core, sink, sender, "req-" + round);
            }
        }
        assertEquals(30, core.counters().get(Counter.REPLIES_DELIVERED));
        assertEquals(0, core.counters().droppedTotal());
        assertEquals(0, core.counters().get(DropReason.NOT_PENDING));
        assertEquals(0, core.pendingCount());
    }
}
