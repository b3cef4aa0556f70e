package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static io.clientproxy.e2e.ProxyFixture.ask;
import static io.clientproxy.e2e.ProxyFixture.assertError;
import static io.clientproxy.e2e.ProxyFixture.assertResult;
import static io.clientproxy.e2e.ProxyFixture.get;
import static io.clientproxy.e2e.ProxyFixture.jid;
import static io.clientproxy.e2e.ProxyFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code scripts/verify-tigase TIGASE_HOME}: the check an operator runs before rollout. On a copy
 * of a real Tigase 8.4 installation ({@link TigaseInstallation}; the installation itself is not
 * touched) with the component installed by {@code scripts/install-tigase}, real Smack clients run
 * the scenarios the Prosody and ejabberd suites run, and one line per scenario is printed:
 * {@code PASS <scenario>: <what was seen>} or {@code FAIL <scenario>: <why>}.
 *
 * <p>Without {@code -Dtigase.home} (CI has no Tigase) it is skipped, saying so.
 */
@Timeout(900)
class TigaseVerifyIT {
    static final String HOME_PROPERTY = "tigase.home";
    static final String BOT = "bot";
    static final String ADMIN = "verify-admin";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
    /** How long the subscription may take to heal: the bot account is created after the component subscribed. */
    static final Duration SUBSCRIPTION_WAIT = Duration.ofSeconds(60);
    static final Pattern OPAQUE = Pattern.compile(Pattern.quote(COMPONENT) + "/[A-Za-z0-9_-]{27}");

    private TigaseInstallation tigase;
    private final Map<String, EchoBot> bots = new ConcurrentHashMap<>();
    private final List<XMPPTCPConnection> users = new CopyOnWriteArrayList<>();
    private XMPPTCPConnection alice;

    @Test
    void scenariosOnARealTigase() throws Exception {
        String home = System.getProperty(HOME_PROPERTY, "");
        if (home.isBlank()) {
            System.out.println("verify-tigase: SKIPPED: no Tigase installation given; run scripts/verify-tigase TIGASE_HOME "
                    + "(or mvn verify -Dit.test=TigaseVerifyIT -D" + HOME_PROPERTY + "=TIGASE_HOME)");
        }
        Assumptions.assumeFalse(home.isBlank(), "no Tigase installation given (-D" + HOME_PROPERTY + "=TIGASE_HOME)");
        Path installation = Path.of(home).toAbsolutePath();
        Assumptions.assumeTrue(Files.isDirectory(installation.resolve("jars")),
                installation + " is not a Tigase installation (no jars/)");

        Map<String, String> options = new LinkedHashMap<>();
        options.put("request-timeout", "'PT" + REQUEST_TIMEOUT.toSeconds() + "S'");
        options.put("resubscribe-min", "'PT2S'");
        options.put("resubscribe-max", "'PT5S'");
        long t0 = System.nanoTime();
        try {
            tigase = TigaseInstallation.start(installation, beans(options), ADMIN, NoApprovalScenarios.CONFIG);
        } catch (TigaseInstallation.SetupFailure e) {
            cannotRun(e.getMessage());
            throw e;
        }
        System.out.printf("verify-tigase: %s started from %s in %d s%n", tigase, installation,
                (System.nanoTime() - t0) / 1_000_000_000);
        List<String> failures = new ArrayList<>();
        try {
            String step = "";
            try {
                for (String user : List.of(BOT, "alice", "bob", "mallory")) {
                    step = "registering " + user + "@" + TigaseInstallation.DOMAIN + " in-band";
                    tigase.register(user, ProxyFixture.password(user));
                }
                EchoIq.register();
                Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
                step = "logging the bot in";
                connectBot("a");
                connectBot("b");
                step = "logging alice in";
                alice = user("alice", "phone");
            } catch (Exception e) {
                tigase.keep();
                cannotRun(step + " failed: " + TigaseInstallation.oneLine(String.valueOf(e.getMessage())) + "; see "
                        + tigase.dir().resolve("logs") + " (console.log, tigase.log.0)");
                throw e;
            }

            scenario(failures, "subscription", this::subscription);
            scenario(failures, "routing", this::routing);
            scenario(failures, "reply-addresses", this::replyAddresses);
            scenario(failures, "ids", this::ids);
            scenario(failures, "errors", this::errors);
            scenario(failures, "timeout", this::timeout);
            scenario(failures, "resource-death", this::resourceDeath);
            scenario(failures, "unsolicited-and-duplicate-replies", this::unsolicitedAndDuplicate);
            scenario(failures, "churn", this::churn);
            scenario(failures, "admin-commands", this::adminCommands);
            scenario(failures, "statistics", this::statistics);
            scenario(failures, "hung-resource", this::hungResource);
            NoApprovalScenarios noApproval = new NoApprovalScenarios(tigase, alice, users::add);
            scenario(failures, "roster-command", noApproval::rosterCommand);
            scenario(failures, "approve-in-roster", noApproval::approveInRoster);
        } finally {
            for (XMPPTCPConnection c : users) {
                c.disconnect();
            }
            for (EchoBot b : bots.values()) {
                b.close();
            }
            if (!failures.isEmpty()) {
                System.out.println("verify-tigase: Tigase log tail:\n" + tigase.logTail(80));
                tigase.keep();
                System.out.println("verify-tigase: the copy is kept for a look: " + tigase.dir());
            }
            tigase.close();
        }
        System.out.println("verify-tigase: " + (failures.isEmpty() ? "all scenarios passed" : failures.size()
                + " scenario(s) failed: " + failures));
        assertEquals(List.of(), failures);
    }

    /** The one line scripts/verify-tigase shows when no scenario could run: what failed and where to look. */
    private static void cannotRun(String why) {
        System.out.println("verify-tigase: CANNOT RUN the scenarios: " + why);
        System.out.flush();
    }

    /** The main bean, and the beans of {@link NoApprovalScenarios} with the same options. */
    private static List<TigaseInstallation.Bean> beans(Map<String, String> options) {
        List<TigaseInstallation.Bean> beans = new ArrayList<>();
        beans.add(new TigaseInstallation.Bean("proxy", BOT + "@" + TigaseInstallation.DOMAIN, options));
        beans.addAll(NoApprovalScenarios.beans(options));
        return beans;
    }

    @FunctionalInterface
    interface Scenario {
        String run() throws Exception;
    }

    private static void scenario(List<String> failures, String name, Scenario s) {
        long t0 = System.nanoTime();
        try {
            String detail = s.run();
            System.out.printf("PASS %s: %s (%d ms)%n", name, detail, (System.nanoTime() - t0) / 1_000_000);
        } catch (Throwable e) {
            failures.add(name);
            System.out.printf("FAIL %s: %s%n", name, String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        System.out.flush();
    }

    // ------------------------------------------------------------------ scenarios

    /**
     * The component subscribed at start-up, before the bot account existed: the request bounced
     * or stayed unanswered, and the component asked again until the bot (which accepts every
     * subscription) approved; then both resources are used.
     */
    private String subscription() throws Exception {
        long t0 = System.nanoTime();
        Set<String> answeredBy = new TreeSet<>();
        long deadline = t0 + SUBSCRIPTION_WAIT.toNanos();
        String last = "";
        while (answeredBy.size() < 2 && System.nanoTime() < deadline) {
            EchoIq request = get("sub", COMPONENT);
            IQ reply = ask(alice, request);
            if (reply.getType() == IQ.Type.result) {
                String text = ((EchoIq) reply).text();
                answeredBy.add(text.substring(text.lastIndexOf(" at ") + 4));
            } else {
                last = reply.getError().getDescriptiveText();
                Thread.sleep(250);
            }
        }
        assertEquals(Set.of("a", "b"), answeredBy, "both bot resources answer within " + SUBSCRIPTION_WAIT.toSeconds()
                + " s; last error: " + last);
        return "both resources serving " + (System.nanoTime() - t0) / 1_000_000 + " ms after the accounts existed";
    }

    private String routing() throws Exception {
        EchoIq request = get("hello", COMPONENT);
        EchoIq answer = assertResult(ask(alice, request), request, alice);
        String seen = answer.text().substring("hello from ".length(), answer.text().lastIndexOf(" at "));
        assertTrue(OPAQUE.matcher(seen).matches(), "the bot saw an opaque address: " + seen);
        for (EchoBot b : bots.values()) {
            assertTrue(b.seenFrom.stream().noneMatch(f -> f.contains("alice")), "the bot never saw alice's address");
        }
        return "answered by " + answer.text().substring(answer.text().lastIndexOf(" at ") + 4) + ", bot saw " + seen;
    }

    private String replyAddresses() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String to : List.of(COMPONENT, COMPONENT + "/any", "Svc@" + COMPONENT)) {
            EchoIq request = get("addr", to);
            IQ reply = ask(alice, request);
            assertResult(reply, request, alice);
            // As sent: Smack writes JIDs in their canonical form (local part lower-cased); the
            // adapter's own tests send Svc@... as written.
            assertEquals(request.getTo(), reply.getFrom(), "from exactly the address used");
            seen.add(request.getTo().toString());
        }
        return "answers from " + seen;
    }

    private String ids() throws Exception {
        String id = "it's <id> & \"more\"";
        EchoIq request = get("ids", COMPONENT);
        request.setStanzaId(id);
        IQ reply = ask(alice, request);
        assertResult(reply, request, alice);
        return "id " + id + " matched";
    }

    private String errors() throws Exception {
        EchoIq request = get("error:item-not-found:cancel:no such item", COMPONENT);
        StanzaError error = assertError(ask(alice, request), request, alice, StanzaError.Condition.item_not_found,
                StanzaError.Type.CANCEL);
        assertEquals("no such item", error.getDescriptiveText());
        EchoIq bad = get("x", COMPONENT);
        bad.setType(IQ.Type.get);
        return "the bot's error reached the sender with its text";
    }

    private String timeout() throws Exception {
        long t0 = System.nanoTime();
        EchoIq request = get("hold:timeout", COMPONENT);
        assertError(ask(alice, request), request, alice, StanzaError.Condition.remote_server_timeout, StanzaError.Type.WAIT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // The bot never answers it: later scenarios must not find it among the held requests.
        bots.values().forEach(b -> b.held.clear());
        assertTrue(ms >= REQUEST_TIMEOUT.toMillis() - 100, "not before request-timeout: " + ms + " ms");
        return "remote-server-timeout after " + ms + " ms (request-timeout " + REQUEST_TIMEOUT.toMillis() + " ms)";
    }

    /** A get held by a, whose TCP connection then closes: it moves to b and is answered there. */
    private String resourceDeath() throws Exception {
        try {
            return holdAtAThenCloseIt();
        } finally {
            if (!bots.get("a").connection.isConnected()) {
                connectBot("a");
            }
        }
    }

    private String holdAtAThenCloseIt() throws Exception {
        EchoBot a = bots.get("a");
        for (int attempt = 0; attempt < 20; attempt++) {
            EchoIq request = get("hold@a:death" + attempt, COMPONENT);
            StanzaCollector collector = send(alice, request);
            IQ early = collector.nextResult(500);
            if (early != null) {
                collector.cancel();
                continue; // it went to b, which answered: try again
            }
            a.drop();
            IQ reply = ProxyFixture.reply(collector);
            EchoIq answer = assertResult(reply, request, alice);
            assertTrue(answer.text().endsWith(" at b"), "moved to b: " + answer.text());
            connectBot("a");
            awaitBoth();
            return "held by a, a's connection closed, answered by b; a back";
        }
        throw new AssertionError("no request reached a in 20 tries");
    }

    private String unsolicitedAndDuplicate() throws Exception {
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);
        EchoIq held = get("hold:dup", COMPONENT);
        StanzaCollector collector = send(alice, held);
        EchoBot holder = awaitHolder(held);
        EchoIq atBot = holder.held.stream().filter(iq -> held.text().equals(iq.text())).findFirst().orElse(null);
        assertNotNull(atBot, "the bot holds it");
        holder.held.remove(atBot);
        holder.answer(atBot);
        holder.answer(atBot);
        assertResult(ProxyFixture.reply(collector), held, alice);
        EchoIq unsolicited = EchoBot.resultFor(atBot, "unsolicited");
        unsolicited.setStanzaId("never-asked");
        holder.connection.sendStanza(unsolicited);
        XMPPTCPConnection mallory = user("mallory", "m");
        EchoIq forged = EchoBot.resultFor(atBot, "forged");
        forged.setStanzaId(held.getStanzaId());
        forged.setTo(atBot.getFrom());
        mallory.sendStanza(forged);
        inbox.roundTrip(COMPONENT);
        assertEquals(1, inbox.withId(held.getStanzaId()).size(), "one answer for the held request: " + inbox.ids());
        assertEquals(List.of(), inbox.withId("never-asked"), "the unsolicited result reached nobody");
        inbox.close();
        return "duplicate, unsolicited and forged replies reached nobody";
    }

    /**
     * Thousands of gets from two senders while one bot resource at a time loses its connection and
     * comes back: every request is answered exactly once, and never with an error (another
     * resource is online throughout).
     */
    private String churn() throws Exception {
        int senders = 2;
        int perSender = 1500;
        int inFlight = 20;
        bots.values().forEach(b -> b.answerDelay(Duration.ofMillis(5)));
        List<XMPPTCPConnection> conns = List.of(alice, user("bob", "churn"));
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(senders * perSender);
        List<ProxyFixture.Inbox> inboxes = new ArrayList<>();
        for (XMPPTCPConnection c : conns) {
            inboxes.add(ProxyFixture.inbox(c));
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            XMPPTCPConnection conn = conns.get(s);
            Semaphore window = new Semaphore(inFlight);
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < perSender; n++) {
                        window.acquire();
                        EchoIq request = get("c" + sender + "-" + n, COMPONENT);
                        request.setStanzaId("churn-" + sender + "-" + n);
                        SmackFuture<IQ, Exception> f = conn.sendIqRequestAsync(request, CLIENT_TIMEOUT.toMillis());
                        f.onCompletion(r -> {
                            try {
                                IQ reply = r.getOrThrow();
                                outcomes.merge(request.getStanzaId(), "result", (x, y) -> x + "+" + y);
                            } catch (XMPPException.XMPPErrorException e) {
                                problems.add(request.getStanzaId() + ": " + e.getStanzaError().getCondition());
                                outcomes.merge(request.getStanzaId(), "error", (x, y) -> x + "+" + y);
                            } catch (Exception e) {
                                problems.add(request.getStanzaId() + ": " + e);
                            } finally {
                                window.release();
                                done.countDown();
                            }
                        });
                    }
                } catch (Exception e) {
                    problems.add("sender " + sender + ": " + e);
                }
            }, "verify-churn-" + s);
            t.setDaemon(true);
            t.start();
        }
        int departures = 0;
        while (done.getCount() > 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(240)) {
            Thread.sleep(1000);
            String r = departures % 2 == 0 ? "a" : "b";
            bots.get(r).drop();
            departures++;
            connectBot(r).answerDelay(Duration.ofMillis(5));
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "all answered: " + done.getCount() + " left");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        int lost = 0;
        int duplicates = 0;
        for (int s = 0; s < senders; s++) {
            inboxes.get(s).roundTrip(COMPONENT);
            Map<String, Integer> perId = new TreeMap<>();
            for (IQ iq : inboxes.get(s).all()) {
                perId.merge(iq.getStanzaId(), 1, Integer::sum);
            }
            for (int n = 0; n < perSender; n++) {
                int got = perId.getOrDefault("churn-" + s + "-" + n, 0);
                lost += got == 0 ? 1 : 0;
                duplicates += Math.max(0, got - 1);
            }
            inboxes.get(s).close();
        }
        bots.values().forEach(b -> b.answerDelay(Duration.ZERO));
        awaitBoth();
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), problems.size() + " problems");
        assertEquals(0, lost, "lost");
        assertEquals(0, duplicates, "duplicates");
        assertTrue(departures >= 4, "resources died several times: " + departures);
        return senders * perSender + " gets, " + departures + " resource deaths, " + ms + " ms: 0 errors, 0 lost, "
                + "0 duplicates";
    }

    private String adminCommands() throws Exception {
        XMPPTCPConnection admin = user(ADMIN, "admin");
        RemoteCommand list = AdHocCommandManager.getAddHocCommandsManager(admin).getRemoteCommand(jid(COMPONENT),
                "list-resources");
        list.execute();
        assertEquals(AdHocCommand.Status.completed, list.getStatus(), list::getRaw);
        DataForm form = list.getForm();
        Set<String> resources = new TreeSet<>();
        for (DataForm.Item item : form.getItems()) {
            for (FormField f : item.getFields()) {
                if ("resource".equals(f.getFieldName())) {
                    resources.add(f.getFirstValue());
                }
            }
        }
        assertEquals(Set.of(BOT + "@localhost/a", BOT + "@localhost/b"), resources);
        assertTrue(String.valueOf(form.getInstructions()).contains("subscribed"), "state: " + form.getInstructions());
        RemoteCommand denied = AdHocCommandManager.getAddHocCommandsManager(alice).getRemoteCommand(jid(COMPONENT),
                "list-resources");
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class, denied::execute);
        assertEquals(StanzaError.Condition.forbidden, e.getStanzaError().getCondition());
        return "list-resources shows " + resources + " to Tigase's admin, forbidden to others";
    }

    /** The component's statistics, as Tigase shows them to admins (ad-hoc node stats/proxy of stats@localhost). */
    private String statistics() throws Exception {
        XMPPTCPConnection admin = user(ADMIN, "stats");
        RemoteCommand stats = AdHocCommandManager.getAddHocCommandsManager(admin)
                .getRemoteCommand(jid("stats@" + TigaseInstallation.DOMAIN), "stats/proxy");
        stats.execute();
        Map<String, String> values = new TreeMap<>();
        for (FormField f : stats.getForm().getFields()) {
            String name = f.getFieldName() == null ? "" : f.getFieldName();
            values.put(name.substring(name.lastIndexOf('/') + 1), f.getFirstValue());
        }
        assertEquals("subscribed", values.get("subscription"), values.toString());
        assertEquals("2", values.get("online-resources"), values.toString());
        assertTrue(Long.parseLong(values.getOrDefault("requests-forwarded", "0")) > 1000, values.toString());
        assertTrue(Long.parseLong(values.getOrDefault("replies-delivered", "0")) > 1000, values.toString());
        return "subscription=subscribed online-resources=2 requests-forwarded=" + values.get("requests-forwarded")
                + " bounces=" + values.getOrDefault("bounces", "0") + " requests-moved="
                + values.getOrDefault("requests-moved", "0");
    }

    // ------------------------------------------------------------------ helpers

    private EchoBot connectBot(String resource) throws Exception {
        EchoBot old = bots.get(resource);
        // No XEP-0198: a bot whose connection closes is gone at once, as the scenarios expect (with
        // it, Tigase keeps the session for resumption and requests wait for that, see README).
        XMPPTCPConnection conn = tigase.connect(BOT, ProxyFixture.password(BOT), resource, CLIENT_TIMEOUT, false);
        EchoBot bot = EchoBot.on(conn, resource, 0);
        bots.put(resource, bot);
        if (old != null) {
            old.close();
        }
        return bot;
    }

    private XMPPTCPConnection user(String name, String resource) throws Exception {
        XMPPTCPConnection c = tigase.connect(name, ProxyFixture.password(name), resource, CLIENT_TIMEOUT, true);
        users.add(c);
        return c;
    }

    /** The bot resource that holds {@code request} (matched by its text), once it got there. */
    private EchoBot awaitHolder(EchoIq request) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (EchoBot b : bots.values()) {
                if (b.held.stream().anyMatch(iq -> request.text().equals(iq.text()))) {
                    return b;
                }
            }
            sleep(10);
        }
        throw new AssertionError("no bot resource got the held request " + request.text());
    }

    /** Until both resources answer requests again. */
    private void awaitBoth() throws Exception {
        Set<String> answeredBy = new TreeSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (answeredBy.size() < 2) {
            if (System.nanoTime() > deadline) {
                fail("both resources serving again; only " + answeredBy);
            }
            IQ reply = ask(alice, get("both", COMPONENT));
            if (reply instanceof EchoIq e) {
                answeredBy.add(e.text().substring(e.text().lastIndexOf(" at ") + 4));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unused")
    private static void await(String what, BooleanSupplier condition) {
        ProxyFixture.await(what, condition);
    }

    @SuppressWarnings("unused")
    private static final AtomicInteger SEQ = new AtomicInteger();

    // ------------------------------------------------------------------ resource health: a hung resource

    /**
     * A third bot resource in a process of its own, stopped with SIGSTOP (its TCP connection stays
     * open, nothing reads it; Tigase keeps the session): under 10 requests a second (one in four a
     * set), it goes out of rotation within the bound and every get is answered by a or b; a set
     * it held before that times out and is never sent twice; after its detection no request goes
     * to it (list-resources: its request count stays). Self-contained: it removes the resource again.
     */
    private String hungResource() throws Exception {
        FaultBot hung = FaultBot.start(tigase, BOT, ProxyFixture.password(BOT), "hung", true);
        try {
            long t0 = System.nanoTime();
            while (!answeredBy(ask(alice, get("health-warm", COMPONENT))).equals("hung")) {
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "the proxy sends the new resource requests");
            }
            long fault = System.nanoTime();
            hung.hang();
            List<EchoIq> sent = new ArrayList<>();
            List<SmackFuture<IQ, Exception>> futures = new ArrayList<>();
            long[] waits = new long[100];
            for (int n = 0; n < 100; n++) {
                long due = fault + n * 100_000_000L;
                sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                EchoIq request = n % 4 == 3 ? ProxyFixture.set("health-" + n, COMPONENT) : get("health-" + n, COMPONENT);
                sent.add(request);
                long start = System.nanoTime();
                int i = n;
                SmackFuture<IQ, Exception> f = alice.sendIqRequestAsync(request, CLIENT_TIMEOUT.toMillis());
                f.onCompletion(done -> waits[i] = (System.nanoTime() - start) / 1_000_000);
                futures.add(f);
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            long maxGetWait = 0;
            List<String> problems = new ArrayList<>();
            for (int n = 0; n < sent.size(); n++) {
                EchoIq request = sent.get(n);
                String outcome;
                try {
                    IQ reply = futures.get(n).getOrThrow();
                    outcome = "result";
                    if (answeredBy(reply).equals("hung")) {
                        problems.add(request.text() + " answered by the stopped process");
                    }
                } catch (XMPPException.XMPPErrorException e) {
                    outcome = e.getStanzaError().getCondition().toString();
                }
                outcomes.merge(outcome, 1, Integer::sum);
                if (request.getType() == IQ.Type.get) {
                    maxGetWait = Math.max(maxGetWait, waits[n]);
                    if (!outcome.equals("result")) {
                        problems.add(request.text() + ": " + outcome);
                    }
                } else {
                    long executed = hung.count(IQ.Type.set, request.text()) + bots.values().stream()
                            .mapToLong(b -> b.received.stream().filter(iq -> iq.getType() == IQ.Type.set
                                    && iq.text().equals(request.text())).count()).sum();
                    if (executed > 1 || (outcome.equals("result") && executed != 1)) {
                        problems.add(request.text() + " (" + outcome + ") executed " + executed + " times");
                    }
                    if (!outcome.equals("result") && !outcome.equals("remote-server-timeout")) {
                        problems.add(request.text() + ": " + outcome);
                    }
                }
            }
            assertEquals(List.of(), problems);
            Map<String, String> health = resourceHealth("hung");
            assertEquals("out-of-rotation", health.get("state"), health.toString());
            long requestsAtDetection = Long.parseLong(health.get("requests"));
            for (int n = 0; n < 20; n++) {
                assertEquals("result", ask(alice, get("health-after-" + n, COMPONENT)).getType().toString());
            }
            Map<String, String> later = resourceHealth("hung");
            assertEquals(requestsAtDetection, Long.parseLong(later.get("requests")),
                    "no request to the hung resource after its detection: " + later);
            assertTrue(maxGetWait <= REQUEST_TIMEOUT.toMillis(), "no get waited longer than request-timeout: " + maxGetWait);
            return "100 requests at 10/s after SIGSTOP: " + outcomes + ", longest get " + maxGetWait + " ms, "
                    + "out of rotation (" + health.get("why") + "), " + health.get("requests") + " requests sent to it, none after";
        } finally {
            hung.close();
            // The stopped process's session: a new login with its resource replaces it, then leaves.
            tigase.connect(BOT, ProxyFixture.password(BOT), "hung", CLIENT_TIMEOUT, true).disconnect();
        }
    }

    private static String answeredBy(IQ reply) {
        String text = reply instanceof EchoIq e ? e.text() : "";
        return text.substring(text.lastIndexOf(" at ") + 4);
    }

    /** list-resources, as Tigase's admin: the fields of one resource's item. */
    private Map<String, String> resourceHealth(String resource) throws Exception {
        XMPPTCPConnection admin = user(ADMIN, "health");
        RemoteCommand list = AdHocCommandManager.getAddHocCommandsManager(admin).getRemoteCommand(jid(COMPONENT),
                "list-resources");
        list.execute();
        admin.disconnect();
        for (DataForm.Item item : list.getForm().getItems()) {
            Map<String, String> fields = new TreeMap<>();
            for (FormField f : item.getFields()) {
                fields.put(f.getFieldName(), f.getFirstValue());
            }
            if ((BOT + "@" + TigaseInstallation.DOMAIN + "/" + resource).equals(fields.get("resource"))) {
                return fields;
            }
        }
        throw new AssertionError(resource + " is not in list-resources");
    }
}
