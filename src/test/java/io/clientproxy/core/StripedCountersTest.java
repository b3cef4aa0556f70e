package io.clientproxy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StripedCountersTest {

    @Test
    void sumsAddUpOverStripesAndCountersStayApart() {
        StripedCounters c = new StripedCounters(3, 16);
        for (int stripe = 0; stripe < 16; stripe++) {
            c.add(0, stripe, 1);
            c.add(2, stripe, stripe);
        }
        c.add(1, 5, -4);
        c.add(0, 16 + 3, 10); // a stripe past the last wraps around, it is never lost
        assertEquals(26, c.sum(0));
        assertEquals(-4, c.sum(1));
        assertEquals(120, c.sum(2));
        assertThrows(IndexOutOfBoundsException.class, () -> c.sum(3));
        assertThrows(IllegalArgumentException.class, () -> new StripedCounters(1, 12));
    }

    @Test
    void concurrentAddsOnSharedStripesAreNotLost() throws InterruptedException {
        StripedCounters c = new StripedCounters(1, 2);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    c.add(0, i & 1, 1);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(400_000, c.sum(0));
    }
}
