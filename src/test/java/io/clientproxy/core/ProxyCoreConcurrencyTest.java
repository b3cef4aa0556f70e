package io.clientproxy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many senders, a target that answers from whichever resource holds a request, and resources
 * that keep leaving and coming back: every request gets exactly one answer.
 */
class ProxyCoreConcurrencyTest {
    private static final Jid COMPONENT = Jid.parse("proxy.example.com");
    private static final Jid TARGET = Jid.parse("bot@example.com");

    record Forwarded(String label, Jid from, Jid to, String id) {}

    @Test
    void everyRequestGetsExactlyOneAnswerUnderResourceChurn() throws Exception {
        int senders = 4;
        int perSender = 4000;
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        LinkedBlockingQueue<Forwarded> toTarget = new LinkedBlockingQueue<>();
        Map<Jid, Boolean> reallyOnline = new ConcurrentHashMap<>();
        AtomicLong clock = new AtomicLong();
        AtomicInteger duplicates = new AtomicInteger();

        Outbox<String> outbox = new Outbox<>() {
            @Override
            public void forward(String stanza, Jid from, Jid to) {
                throw new AssertionError("only requests and their answers here: " + stanza);
            }

            @Override
            public void forwardRequest(String request, Jid from, Jid to, String id) {
                toTarget.add(new Forwarded(request, from, to, id));
            }

            @Override
            public void forwardAnswer(String answer, String request, Jid from, Jid to) {
                assertEquals("reply:" + request, answer.substring(0, answer.lastIndexOf('@')), "the answer to its own request");
                answer(request);
            }

            @Override
            public void forwardToOneResource(String stanza, Jid from, Jid to) {
                forward(stanza, from, to);
            }

            @Override
            public void error(String stanza, Jid from, Jid to, StanzaError error) {
                answer(stanza);
            }

            private void answer(String label) {
                if (answers.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet() > 1) {
                    duplicates.incrementAndGet();
                }
            }

            @Override
            public void presence(Jid from, Jid to, String type) {
            }

            @Override
            public void result(String request, Jid from, Jid to, Payload payload) {
                answer(request);
            }

            @Override
            public void ping(Jid from, Jid to, String id) {
            }

            @Override
            public Payload childOf(String stanza) {
                return null;
            }
        };
        ProxySettings settings = ProxySettings.builder().target(TARGET)
                .requestTimeout(Duration.ofSeconds(2)).maxPendingPerSender(perSender).build();
        ProxyCore<String> core = new ProxyCore<>(settings, COMPONENT, outbox, Balancer.RANDOM, clock::get, 16);
        Jid a = TARGET.withResource("a");
        Jid b = TARGET.withResource("b");
        for (Jid r : new Jid[] {a, b}) {
            reallyOnline.put(r, true);
            core.onPresence("p", r, COMPONENT, null, 0);
        }

        AtomicBoolean done = new AtomicBoolean();
        Thread target = new Thread(() -> {
            try {
                while (!done.get() || !toTarget.isEmpty()) {
                    Forwarded f = toTarget.poll(10, TimeUnit.MILLISECONDS);
                    if (f == null) {
                        continue;
                    }
                    // An online resource answers; for one that is gone the server answers with an error from it.
                    String type = reallyOnline.getOrDefault(f.to(), false) ? "result" : "error";
                    core.onIq("reply:" + f.label() + "@" + f.id(), new Iq(f.to(), f.from(), f.id(), type, 1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread churn = new Thread(() -> {
            int i = 0;
            while (!done.get()) {
                Jid r = (i++ % 2 == 0) ? a : b;
                reallyOnline.put(r, false);
                core.onPresence("p", r, COMPONENT, "unavailable", 0);
                Thread.onSpinWait();
                reallyOnline.put(r, true);
                core.onPresence("p", r, COMPONENT, null, 0);
                clock.addAndGet(1);
                core.tick();
            }
        });
        target.start();
        churn.start();
        CountDownLatch sent = new CountDownLatch(senders);
        for (int s = 0; s < senders; s++) {
            Jid sender = Jid.parse("user" + s + "@example.com/r");
            new Thread(() -> {
                for (int i = 0; i < perSender; i++) {
                    String type = i % 3 == 0 ? "set" : "get";
                    core.onIq(sender + "#" + i, new Iq(sender, COMPONENT, String.valueOf(i), type, 1));
                }
                sent.countDown();
            }).start();
        }
        assertTrue(sent.await(60, TimeUnit.SECONDS));
        done.set(true);
        churn.join();
        target.join();
        // Whatever is still pending (sent to a resource just as it left) times out.
        clock.addAndGet(Duration.ofSeconds(3).toMillis());
        core.tick();

        int total = senders * perSender;
        ProxyCounters c = core.counters();
        System.out.printf("core churn: %d requests, %d answered (%d by the target, %d errors), %d duplicates, %d moved%n",
                total, answers.size(), c.get(Counter.REPLIES_DELIVERED), c.get(Counter.ERRORS_SENT),
                duplicates.get(), c.get(Counter.REQUESTS_MOVED));
        assertEquals(0, duplicates.get(), "no request is answered twice");
        assertEquals(total, answers.size(), "no request is lost");
        assertEquals(0, core.pendingCount());
    }
}
