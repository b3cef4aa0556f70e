package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndStartsOverAfterReset() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(1), b.next());
        assertEquals(Duration.ofSeconds(2), b.next());
        assertEquals(Duration.ofSeconds(4), b.next());
        assertEquals(Duration.ofSeconds(5), b.next());
        assertEquals(Duration.ofSeconds(5), b.next());
        b.reset();
        assertEquals(Duration.ofSeconds(1), b.next());
    }

    @Test
    void aHugeMaximumDoesNotOverflow() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE));
        Duration last = Duration.ZERO;
        for (int i = 0; i < 100; i++) {
            Duration d = b.next();
            assertEquals(true, d.compareTo(last) >= 0);
            last = d;
        }
    }
}
