package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The silent failures of a bot resource, over real streams: a private Prosody with stream
 * management ({@code mod_smacks}, resumption kept 600 s as Prosody's default), the standalone
 * proxy with the operator's defaults (random balancer, {@code request-timeout} 30 s), a bot
 * with a healthy resource {@code a} and a second one that fails, each its own connection (and
 * its own process where the fault needs one), and a user sending 10 requests a second (one in
 * four a set) before and after the fault:
 * <ul>
 * <li>hung: the process is stopped (SIGSTOP), its TCP connection stays open and unread;</li>
 * <li>crashed with XEP-0198: the process is killed (SIGKILL) and Prosody keeps its session for
 *     resumption;</li>
 * <li>a wrong client: a second client on the bot account that answers every request
 *     {@code feature-not-implemented} (Smack's default for a request it has no handler for);</li>
 * <li>a slow but live resource: answers after 8 s, answers pings at once.</li>
 * </ul>
 * Each asserts what the user got, how long it waited, and that every set was executed exactly
 * once when it got a result (at most once otherwise), and prints the figures.
 */
@Timeout(240)
class ResourceFaultsIT {
    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.prosody().withProsody(b -> b.module("smacks")
            .globalConfig("smacks_hibernation_time = 600"));

    /** The operator's default. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Longer than the proxy's timeout: the proxy decides, not the client. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(45);
    static final Duration INTERVAL = Duration.ofMillis(100);
    /** Requests before the fault: both resources have answered some. */
    static final int BEFORE = Integer.getInteger("faults.before", 30);
    /** Requests after the fault (10 a second). */
    static final int AFTER = Integer.getInteger("faults.after", 200);
    /** The longest a get may wait, and the resource may take to go out of rotation, with a hung or crashed resource (README, Resource health: 3.5 s standalone, and some slack for a busy machine). */
    static final Duration BOUND = Duration.ofSeconds(5);
    static final Duration SLOW = Duration.ofSeconds(8);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopBots() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        cleanup.clear();
    }

    @Test
    void aHungResourceIsLeftAndEveryGetIsAnsweredWithinTheBound() throws Exception {
        faultyProcess("hung", FaultBot::hang);
    }

    @Test
    void aResourceThatCrashedWithItsSessionKeptForResumptionIsLeft() throws Exception {
        faultyProcess("crashed", FaultBot::crash);
    }

    private interface Fault {
        void apply(FaultBot bot) throws Exception;
    }

    private void faultyProcess(String name, Fault fault) throws Exception {
        EchoBot a = FX.connectBot("a");
        FaultBot b = FaultBot.start(FX.server(), ProxyFixture.BOT, ProxyFixture.password(ProxyFixture.BOT), name);
        cleanup.add(() -> endSession(name));
        cleanup.add(b);
        FX.startProxy(s -> s.requestTimeout(REQUEST_TIMEOUT));
        FX.awaitOnlineResources(2);
        Run run = new Run(FX.user("alice", name, CLIENT_TIMEOUT));
        Detection detection = Detection.watch(FX.botJid(name));
        run.go(() -> fault.apply(b));
        detection.stop();
        run.report(name, b);
        System.out.printf("[faults] %s: out of rotation %d ms after the fault; requests sent to it after that: %d; "
                + "figures: %s%n", name, (detection.at - run.faultAt) / 1_000_000, detection.requestsSince(),
                detection.describe());

        Map<String, Long> outcomes = run.outcomes(true);
        assertEquals(run.after(IQ.Type.get), run.afterWith(IQ.Type.get, "result"),
                "every get after the fault got a result: " + outcomes);
        assertTrue(run.maxWait(IQ.Type.get) <= BOUND.toMillis(), "no get waited longer than " + BOUND + ": " + run.maxWait(IQ.Type.get) + " ms");
        // A set sent to the resource before the proxy noticed stays there (it is never sent twice) and times out.
        for (Req r : run.requests) {
            if (r.type == IQ.Type.set && !"result".equals(r.outcome)) {
                assertEquals("remote-server-timeout", r.outcome, r.text);
                assertTrue(r.sentAt - run.faultAt <= BOUND.toNanos(), "only a set sent before detection may time out: " + r.text);
            }
        }
        run.assertSetsExecutedOnce(t -> a.received.stream().filter(iq -> iq.getType() == IQ.Type.set && iq.text().equals(t)).count()
                + b.count(IQ.Type.set, t));
        assertTrue(detection.at != 0, "the resource went out of rotation");
        assertTrue(detection.at - run.faultAt <= BOUND.toNanos(), "within " + BOUND);
        assertEquals(0, detection.requestsSince(), "no request went to it after its detection");
    }

    /** Watches the proxy's view of one resource: when it first went out of rotation, and its requests since. */
    static final class Detection {
        final String jid;
        volatile long at;
        volatile long requestsAt;
        volatile io.clientproxy.core.TargetResource resource;
        private final Thread thread;
        private volatile boolean stop;

        private Detection(String jid) {
            this.jid = jid;
            this.thread = new Thread(this::poll, "detection-" + jid);
            thread.setDaemon(true);
        }

        static Detection watch(String jid) {
            Detection d = new Detection(jid);
            d.thread.start();
            return d;
        }

        private void poll() {
            while (!stop && at == 0) {
                for (var r : FX.proxy().core().resources().snapshot()) {
                    if (r.jid().toString().equals(jid)) {
                        resource = r;
                        if (r.liveness().state() == io.clientproxy.core.Liveness.State.OUT_OF_ROTATION) {
                            requestsAt = r.stats().requests();
                            at = System.nanoTime();
                        }
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join();
        }

        long requestsSince() {
            return resource == null ? -1 : resource.stats().requests() - requestsAt;
        }

        String describe() {
            return resource == null ? "-" : FX.proxy().core().describeResource(resource);
        }
    }

    @Test
    void aSecondClientOnTheBotAccountThatAnswersEveryRequestWithAnErrorStopsGettingThem() throws Exception {
        EchoBot a = FX.connectBot("a");
        FX.startProxy(s -> s.requestTimeout(REQUEST_TIMEOUT));
        FX.awaitOnlineResources(1);
        Run run = new Run(FX.user("alice", "wrong", CLIENT_TIMEOUT));
        // Logs in with the bot's credentials and is available; it knows no echo request: Smack
        // answers each one feature-not-implemented.
        run.go(() -> {
            XMPPTCPConnection wrong = XmppClients.connect(FX.server(), ProxyFixture.BOT,
                    ProxyFixture.password(ProxyFixture.BOT), "wrong", 0);
            cleanup.add(wrong::disconnect);
        });
        run.report("wrong client", null);
        Map<String, Long> outcomes = run.outcomes(false);
        assertTrue(outcomes.getOrDefault("result", 0L) * 100 >= 99L * run.requests.size(),
                "at least 99% results: " + outcomes);
        run.assertSetsExecutedOnce(t -> a.received.stream().filter(iq -> iq.getType() == IQ.Type.set && iq.text().equals(t)).count());
    }

    @Test
    void aSlowButLiveResourceKeepsItsRequestsAndLosesNone() throws Exception {
        EchoBot a = FX.connectBot("a");
        EchoBot slow = FX.connectBot("slow").answerDelay(SLOW);
        FX.startProxy(s -> s.requestTimeout(REQUEST_TIMEOUT));
        FX.awaitOnlineResources(2);
        Run run = new Run(FX.user("alice", "slow", CLIENT_TIMEOUT));
        run.go(() -> { });
        run.report("slow", null);
        Map<String, Long> outcomes = run.outcomes(false);
        assertEquals(Map.of("result", (long) run.requests.size()), outcomes, "no errors");
        long bySlow = run.requests.stream().filter(r -> "slow".equals(r.answeredBy)).count();
        assertTrue(bySlow >= run.requests.size() / 4, "the slow resource kept getting requests: " + bySlow);
        run.assertSetsExecutedOnce(t -> a.received.stream().filter(iq -> iq.getType() == IQ.Type.set && iq.text().equals(t)).count()
                + slow.received.stream().filter(iq -> iq.getType() == IQ.Type.set && iq.text().equals(t)).count());
    }

    /**
     * Ends a session Prosody keeps for resumption (a killed or stopped bot): a new login with the
     * same resource replaces it, then leaves, so the next test's proxy does not find it online.
     */
    private static void endSession(String resource) throws Exception {
        XMPPTCPConnection c = XmppClients.connectAndLogin(FX.server().host(), FX.server().c2sPort(), FX.domain(),
                ProxyFixture.BOT, ProxyFixture.password(ProxyFixture.BOT), resource, Duration.ofSeconds(10), false, false);
        c.disconnect();
    }

    /** One request: what was sent, when, and what came back. */
    static final class Req {
        final int n;
        final IQ.Type type;
        final String text;
        final long sentAt;
        volatile String outcome;
        volatile String answeredBy;
        volatile long waitMillis;

        Req(int n, IQ.Type type, String text, long sentAt) {
            this.n = n;
            this.type = type;
            this.text = text;
            this.sentAt = sentAt;
        }
    }

    /** The user's load: {@link #BEFORE} requests, the fault, {@link #AFTER} more, 10 a second. */
    static final class Run {
        final XMPPTCPConnection user;
        final List<Req> requests = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(BEFORE + AFTER);
        final Map<String, Integer> twice = new ConcurrentHashMap<>();
        long faultAt;

        Run(XMPPTCPConnection user) {
            this.user = user;
        }

        interface Action {
            void run() throws Exception;
        }

        void go(Action fault) throws Exception {
            long t0 = System.nanoTime();
            String tag = Long.toString(t0 & 0xffffff, 36);
            for (int n = 0; n < BEFORE + AFTER; n++) {
                long due = t0 + n * INTERVAL.toNanos();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (n == BEFORE) {
                    faultAt = System.nanoTime();
                    fault.run();
                }
                IQ.Type type = n % 4 == 3 ? IQ.Type.set : IQ.Type.get;
                String text = "f" + tag + "-" + n;
                EchoIq iq = ProxyFixture.echo(type, text, COMPONENT);
                Req r = new Req(n, type, text, System.nanoTime());
                requests.add(r);
                SmackFuture<IQ, Exception> f = user.sendIqRequestAsync(iq, CLIENT_TIMEOUT.toMillis());
                f.onCompletion(result -> complete(r, result));
            }
            assertTrue(done.await(CLIENT_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS), "every request completed");
        }

        private void complete(Req r, SmackFuture<IQ, Exception> f) {
            r.waitMillis = (System.nanoTime() - r.sentAt) / 1_000_000;
            try {
                IQ reply = f.getOrThrow();
                String text = reply instanceof EchoIq e ? e.text() : "";
                r.answeredBy = text.substring(text.lastIndexOf(" at ") + 4);
                r.outcome = text.startsWith(r.text + " from ") ? "result" : "wrong-result";
            } catch (XMPPException.XMPPErrorException e) {
                r.outcome = e.getStanzaError().getCondition().toString();
            } catch (SmackException.NoResponseException e) {
                r.outcome = "no-response";
            } catch (Exception e) {
                r.outcome = "failure: " + e;
            }
            if (twice.merge(r.text, 1, Integer::sum) > 1) {
                r.outcome = "completed-twice";
            }
            done.countDown();
        }

        Map<String, Long> outcomes(boolean afterOnly) {
            Map<String, Long> out = new TreeMap<>();
            for (Req r : requests) {
                if (!afterOnly || r.n >= BEFORE) {
                    out.merge(r.outcome, 1L, Long::sum);
                }
            }
            return out;
        }

        long after(IQ.Type type) {
            return requests.stream().filter(r -> r.n >= BEFORE && r.type == type).count();
        }

        long afterWith(IQ.Type type, String outcome) {
            return requests.stream().filter(r -> r.n >= BEFORE && r.type == type && outcome.equals(r.outcome)).count();
        }

        long maxWait(IQ.Type type) {
            return requests.stream().filter(r -> r.type == type).mapToLong(r -> r.waitMillis).max().orElse(0);
        }

        void assertSetsExecutedOnce(ToLongFunction<String> executions) {
            List<String> wrong = new ArrayList<>();
            for (Req r : requests) {
                if (r.type != IQ.Type.set) {
                    continue;
                }
                long times = executions.applyAsLong(r.text);
                if (times > 1 || ("result".equals(r.outcome) && times != 1)) {
                    wrong.add(r.text + " (" + r.outcome + ") executed " + times + " times");
                }
            }
            assertEquals(List.of(), wrong, "each set executed exactly once when it got a result, at most once otherwise");
        }

        void report(String name, FaultBot faulty) {
            long sets = requests.stream().filter(r -> r.type == IQ.Type.set).count();
            long setsResult = requests.stream().filter(r -> r.type == IQ.Type.set && "result".equals(r.outcome)).count();
            Map<String, Long> byResource = new TreeMap<>();
            for (Req r : requests) {
                if (r.answeredBy != null) {
                    byResource.merge(r.answeredBy, 1L, Long::sum);
                }
            }
            System.out.printf("[faults] %s: %d requests (%d after the fault), all: %s, after the fault: %s; "
                            + "max wait get %d ms, set %d ms; results by resource %s; sets %d, with a result %d; "
                            + "faulty process received %s; proxy: %s%n",
                    name, requests.size(), AFTER, outcomes(false), outcomes(true), maxWait(IQ.Type.get),
                    maxWait(IQ.Type.set), byResource, sets, setsResult,
                    faulty == null ? "-" : faulty.received.size(), FX.proxy().summary());
        }
    }
}
