package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Counter;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 11 on a private Prosody with stream management (XEP-0198, {@code mod_smacks}):
 * thousands of requests from several senders, each keeping many in flight, while the target's
 * two resources go offline and come back again and again (one at a time, alternately gracefully
 * and by a dropped connection, each time reconnecting and sending presence again). A dropped
 * resource hibernates, then dies: Prosody answers the requests it holds with
 * {@code recipient-unavailable} from its full JID before the unavailable presence, as Tigase
 * does for a closed connection. Every request gets exactly one reply, none is lost, none comes
 * twice; every get succeeds (another resource is always online), and a set fails only with
 * {@code recipient-unavailable}, when the resource holding it left.
 */
@Timeout(120)
class ChurnIT {
    /** How long Prosody keeps a dropped session for resumption before it ends it and bounces what it held. */
    static final int HIBERNATION_SECONDS = 1;

    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.prosody().withProsody(b -> b.module("smacks")
            .globalConfig("smacks_hibernation_time = " + HIBERNATION_SECONDS));

    static final int SENDERS = 4;
    static final int PER_SENDER = 1000;
    static final int IN_FLIGHT = 50;
    /** The bot answers this much later, so requests stay in flight at the resource that leaves. */
    static final Duration ANSWER_DELAY = Duration.ofMillis(5);
    /** A resource that came back gets this many requests before the next one leaves. */
    static final int REQUESTS_BETWEEN_DEPARTURES = 50;
    /** Well beyond the hibernation, so no request needs to time out. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than the proxy's request-timeout: the proxy, not Smack, decides. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
    /** The whole run must end well within this. */
    static final Duration BOUND = Duration.ofSeconds(70);
    /** The only error a request may get here: a set whose resource left (it may or may not have been acted on). */
    static final Set<StanzaError.Condition> ACCEPTABLE_FOR_SETS = Set.of(StanzaError.Condition.recipient_unavailable);

    @Test
    void everyRequestGetsExactlyOneReplyWhileTheTargetsResourcesComeAndGo() throws Exception {
        FX.botsAndProxy(s -> s.requestTimeout(REQUEST_TIMEOUT));
        FX.bot("a").answerDelay(ANSWER_DELAY);
        FX.bot("b").answerDelay(ANSWER_DELAY);
        String[] names = {"alice", "bob", "carol", "dave"};
        List<XMPPTCPConnection> senders = new ArrayList<>();
        List<ProxyFixture.Inbox> inboxes = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            XMPPTCPConnection c = FX.user(names[s], "churn", CLIENT_TIMEOUT);
            senders.add(c);
            inboxes.add(ProxyFixture.inbox(c));
        }

        int total = SENDERS * PER_SENDER;
        Map<String, String> outcomes = new ConcurrentHashMap<>();   // id -> "result" or the error condition
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicInteger completions = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        long t0 = System.nanoTime();

        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            XMPPTCPConnection conn = senders.get(s);
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < PER_SENDER; n++) {
                        inFlight.acquire();
                        String text = "c" + sender + "-" + n;
                        EchoIq request = n % 4 == 3 ? ProxyFixture.set(text, COMPONENT) : ProxyFixture.get(text, COMPONENT);
                        request.setStanzaId("churn-" + sender + "-" + n);
                        SmackFuture<IQ, Exception> future = conn.sendIqRequestAsync(request, CLIENT_TIMEOUT.toMillis());
                        future.onCompletion(f -> {
                            try {
                                record(request, f, outcomes, problems);
                            } finally {
                                completions.incrementAndGet();
                                inFlight.release();
                                done.countDown();
                            }
                        });
                    }
                } catch (Throwable e) {
                    senderFailure.set(e);
                }
            }, "churn-sender-" + s);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }

        // The churn: one resource at a time leaves (alternately gracefully and by a dropped
        // connection) and comes back, until every request has been answered.
        int cycles = 0;
        long deadline = t0 + BOUND.toNanos();
        while (done.getCount() > 0 && senderFailure.get() == null && System.nanoTime() < deadline) {
            String resource = cycles % 2 == 0 ? "a" : "b";
            String other = cycles % 2 == 0 ? "b" : "a";
            EchoBot leaving = FX.bot(resource);
            if ((cycles / 2) % 2 == 0) {
                leaving.close();
            } else {
                leaving.drop();
            }
            ProxyFixture.await(() -> "the proxy saw " + resource + " leave: " + FX.proxy().summary(),
                    () -> onlineResources().equals(Set.of(FX.botJid(other))));
            EchoBot back = FX.connectBot(resource).answerDelay(ANSWER_DELAY);
            FX.awaitOnlineResources(2);
            // Serving for a while before the next departure: both resources busy, then one leaves.
            ProxyFixture.await(() -> resource + " serves again: " + FX.proxy().summary(),
                    () -> back.received.size() >= REQUESTS_BETWEEN_DEPARTURES || done.getCount() == 0);
            cycles++;
        }
        assertTrue(done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS),
                "all " + total + " requests answered within " + BOUND + ": " + completions.get() + " were; "
                        + FX.proxy().summary());
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
        if (senderFailure.get() != null) {
            throw new AssertionError("a sender failed", senderFailure.get());
        }

        // Every sender then makes one more round trip: whatever the proxy sent before has arrived.
        for (ProxyFixture.Inbox inbox : inboxes) {
            inbox.roundTrip(COMPONENT);
        }
        int duplicates = 0;
        int lost = 0;
        int received = 0;
        for (int s = 0; s < SENDERS; s++) {
            Map<String, Integer> perId = new TreeMap<>();
            for (IQ iq : inboxes.get(s).all()) {
                if (iq.getStanzaId().startsWith("churn-")) {
                    perId.merge(iq.getStanzaId(), 1, Integer::sum);
                    received++;
                }
            }
            for (int n = 0; n < PER_SENDER; n++) {
                int got = perId.getOrDefault("churn-" + s + "-" + n, 0);
                if (got == 0) {
                    lost++;
                } else if (got > 1) {
                    duplicates += got - 1;
                }
            }
        }
        Map<String, Long> byOutcome = new TreeMap<>();
        outcomes.values().forEach(o -> byOutcome.merge(o, 1L, Long::sum));
        Map<String, Long> stats = new TreeMap<>();
        FX.proxy().statistics().forEach((k, v) -> {
            if (v != 0) {
                stats.put(k, v);
            }
        });
        System.out.printf("churn: %d senders x %d requests (%d in flight each), %d resource departures and returns, %d ms%n"
                        + "  sent=%d replies=%d results=%d errors=%s duplicates=%d lost=%d%n  proxy: %s%n",
                SENDERS, PER_SENDER, IN_FLIGHT, cycles, elapsed, total, received, byOutcome.getOrDefault("result", 0L),
                errorsOnly(byOutcome), duplicates, lost, stats);

        assertEquals(List.of(), problems, "every reply is the request's own, or an acceptable error");
        assertEquals(total, outcomes.size(), "every request completed once");
        assertEquals(0, lost, "lost");
        assertEquals(0, duplicates, "duplicates");
        assertEquals(total, received, "exactly one reply each");
        assertTrue(cycles >= 4, "the resources came and went several times: " + cycles);
        var counters = FX.counters();
        assertTrue(counters.get(Counter.RESOURCES_OFFLINE_EVENTS) >= cycles, stats.toString());
        assertTrue(counters.get(Counter.REQUESTS_MOVED) + counters.get(Condition.RECIPIENT_UNAVAILABLE) > 0,
                "some requests were pending at a resource that left: " + stats);
        assertTrue(counters.get(Counter.BOUNCES) > 0, "Prosody bounced what hibernating sessions held: " + stats);
        assertEquals(total + SENDERS, counters.get(Counter.REPLIES_DELIVERED) + counters.get(Counter.ERRORS_SENT),
                "the proxy answered each request once: " + stats);
        FX.awaitPending(0);
        assertTrue(byOutcome.getOrDefault("result", 0L) > total / 2, "most requests succeed: " + byOutcome);
    }

    private static Set<String> onlineResources() {
        Set<String> out = new TreeSet<>();
        for (var r : FX.proxy().core().resources().snapshot()) {
            out.add(r.jid().toString());
        }
        return out;
    }

    private static Map<String, Long> errorsOnly(Map<String, Long> byOutcome) {
        Map<String, Long> e = new TreeMap<>(byOutcome);
        e.remove("result");
        return e;
    }

    private static void record(EchoIq request, SmackFuture<IQ, Exception> f, Map<String, String> outcomes, List<String> problems) {
        String id = request.getStanzaId();
        String outcome;
        try {
            IQ reply = f.getOrThrow();
            if (!(reply instanceof EchoIq echo) || !echo.text().startsWith(request.text() + " from " + COMPONENT + "/")) {
                problems.add(id + ": not its own answer: " + reply.toXML());
            }
            outcome = "result";
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError error = e.getStanzaError();
            outcome = error.getCondition().toString();
            if (request.getType() != IQ.Type.set || !ACCEPTABLE_FOR_SETS.contains(error.getCondition())) {
                problems.add(id + ": avoidable error (another resource was online) " + e.getStanza().toXML());
            }
            if (!COMPONENT.equals(String.valueOf(e.getStanza().getFrom()))) {
                problems.add(id + ": error not from " + COMPONENT + ": " + e.getStanza().toXML());
            }
        } catch (SmackException.NoResponseException e) {
            outcome = "no-response";
            problems.add(id + ": no reply within " + CLIENT_TIMEOUT);
        } catch (Exception e) {
            outcome = "failure";
            problems.add(id + ": " + e);
        }
        if (outcomes.putIfAbsent(id, outcome) != null) {
            problems.add(id + ": completed twice");
        }
    }
}
