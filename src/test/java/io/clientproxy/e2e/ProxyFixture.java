package io.clientproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.core.ProxyCounters;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import io.clientproxy.standalone.StandaloneProxy;
import io.clientproxy.standalone.StandaloneSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.IQTypeFilter;
import org.jivesoftware.smack.filter.OrFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The end-to-end set-up shared by the {@code *IT} classes of this package: a real XMPP server
 * (Prosody or ejabberd) with the component {@value #COMPONENT} declared, the standalone proxy
 * in-process as that component, the target account {@code bot@<domain>} whose resources are
 * {@link EchoBot}s, and user accounts that ask. A JUnit 5 extension: the server runs once per
 * test class (shared by its {@code @Nested} classes); proxies, bots and user connections a test
 * opens are closed after it.
 *
 * <pre>{@code
 * class MyFeatureIT {
 *     @RegisterExtension
 *     static final ProxyFixture fx = ProxyFixture.prosody();   // or ejabberd()
 *
 *     @Test
 *     void something() throws Exception {
 *         fx.botsAndProxy(s -> s.set("balancer", "round-robin"));   // bot/a, bot/b online and seen
 *         XMPPTCPConnection alice = fx.user("alice");              // alice@localhost/phone
 *         EchoIq request = ProxyFixture.get("hello", ProxyFixture.COMPONENT);
 *         EchoIq answer = ProxyFixture.assertResult(ProxyFixture.ask(alice, request), request, alice);
 *         // answer.text(): "hello from proxy.localhost/<token> at a" (or "at b")
 *         fx.bot("a").received ... fx.counters().get(Counter.REQUESTS_FORWARDED) ...
 *     }
 * }
 * }</pre>
 *
 * <p>Accounts: {@value #BOT} (the target) and {@link #USERS} are registered when the server
 * starts; any other name passed to {@link #user(String, String)} is registered on first use.
 * Passwords are {@code <name>-pw}. When a test fails, the proxy's counters and the tail of the
 * server's log are printed before everything is closed.
 */
public final class ProxyFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    /** The component the proxy runs as. */
    public static final String COMPONENT = "proxy.localhost";
    /** The target account's local part. */
    public static final String BOT = "bot";
    /** Accounts registered when the server starts. */
    public static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "mallory");
    /** How long any await in these tests may take before it fails. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** The proxy's request-timeout unless a test sets another. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Clients wait longer than the proxy, so the proxy, not Smack, decides about timeouts. */
    public static final Duration CLIENT_REPLY_TIMEOUT = Duration.ofSeconds(15);

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** Which server a fixture starts. */
    public enum Server {
        PROSODY, EJABBERD
    }

    private final Server kind;
    private final Map<String, String> components = new LinkedHashMap<>();
    private final List<String> extraUsers = new ArrayList<>();
    private final List<UnaryOperator<ProsodyServer.Builder>> prosodyOptions = new ArrayList<>();
    private XmppServer server;
    /** The test class (container) that started the server; its @Nested classes share it. */
    private String owner;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final List<StandaloneProxy> proxies = new CopyOnWriteArrayList<>();
    private final Map<String, EchoBot> bots = new ConcurrentHashMap<>();
    private final List<EchoBot> allBots = new CopyOnWriteArrayList<>();
    private final List<XMPPTCPConnection> connections = new CopyOnWriteArrayList<>();

    private ProxyFixture(Server kind) {
        this.kind = kind;
        components.put(COMPONENT, secret());
    }

    /** A fixture on a private Prosody. */
    public static ProxyFixture prosody() {
        return new ProxyFixture(Server.PROSODY);
    }

    /** A fixture on a private ejabberd. */
    public static ProxyFixture ejabberd() {
        return new ProxyFixture(Server.EJABBERD);
    }

    /** A fixture on the given server. */
    public static ProxyFixture on(Server server) {
        return new ProxyFixture(server);
    }

    /** Declares one more component on the server (for a second proxy), with a secret of its own. */
    public ProxyFixture withComponent(String domain) {
        components.put(domain, secret());
        return this;
    }

    /** Configures the Prosody this fixture starts (modules, options); ignored for ejabberd. */
    public ProxyFixture withProsody(UnaryOperator<ProsodyServer.Builder> option) {
        prosodyOptions.add(option);
        return this;
    }

    /** More accounts to register when the server starts (besides {@value #BOT} and {@link #USERS}). */
    public ProxyFixture withUsers(String... users) {
        extraUsers.addAll(List.of(users));
        return this;
    }

    private static String secret() {
        return "s3cret-" + Long.toHexString(System.nanoTime()) + "-" + SEQUENCE.incrementAndGet();
    }

    // ------------------------------------------------------------------ JUnit lifecycle

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server != null) {
            return; // a @Nested class of the class that started it: same server
        }
        owner = context.getUniqueId();
        long t0 = System.nanoTime();
        server = switch (kind) {
            case PROSODY -> {
                ProsodyServer.Builder b = ProsodyServer.builder().domain("localhost");
                components.forEach(b::component);
                for (UnaryOperator<ProsodyServer.Builder> o : prosodyOptions) {
                    b = o.apply(b);
                }
                yield b.start();
            }
            case EJABBERD -> {
                EjabberdServer.Builder b = EjabberdServer.builder().domain("localhost");
                components.forEach(b::component);
                yield b.start();
            }
        };
        long t1 = System.nanoTime();
        Map<String, String> accounts = new LinkedHashMap<>();
        accounts.put(BOT, password(BOT));
        for (String u : USERS) {
            accounts.put(u, password(u));
        }
        for (String u : extraUsers) {
            accounts.put(u, password(u));
        }
        server.registerAll(accounts);
        registered.addAll(accounts.keySet());
        EchoIq.register();
        System.out.printf("[%s] %s started in %d ms, %d accounts registered in %d ms%n",
                context.getDisplayName(), server, (t1 - t0) / 1_000_000, accounts.size(),
                (System.nanoTime() - t1) / 1_000_000);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            StringBuilder sb = new StringBuilder("=== " + context.getDisplayName() + " failed ===\n");
            for (StandaloneProxy p : proxies) {
                sb.append(p.summary()).append('\n').append(p.statistics()).append('\n');
            }
            if (server != null) {
                sb.append("--- ").append(server.kind()).append(" log tail ---\n").append(server.logTail(60));
            }
            System.err.println(sb);
        }
        closeClients();
        for (StandaloneProxy p : proxies) {
            p.close();
        }
        proxies.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null && context.getUniqueId().equals(owner)) {
            server.close();
            server = null;
        }
    }

    /** Closes every bot and user connection opened so far (the proxies stay). */
    public void closeClients() {
        for (XMPPTCPConnection c : connections) {
            c.disconnect();
        }
        connections.clear();
        for (EchoBot b : allBots) {
            b.close();
        }
        allBots.clear();
        bots.clear();
    }

    // ------------------------------------------------------------------ server and accounts

    public XmppServer server() {
        return server;
    }

    public String domain() {
        return server.domain();
    }

    /** The target's bare JID, {@code bot@localhost}. */
    public String target() {
        return BOT + "@" + domain();
    }

    public static String password(String user) {
        return user + "-pw";
    }

    /** Registers an account unless it exists already. */
    public void ensureAccount(String user) {
        if (registered.add(user)) {
            server.register(user, password(user));
        }
    }

    // ------------------------------------------------------------------ proxy

    /**
     * Settings for the proxy as {@value #COMPONENT} of this server, target {@link #target()}:
     * request-timeout {@link #DEFAULT_REQUEST_TIMEOUT}, reconnect after 100 ms (at most 1 s), no
     * periodic summary. Change anything with {@link StandaloneSettings.Builder#set}.
     */
    public StandaloneSettings.Builder settings() {
        return settings(COMPONENT);
    }

    /** As {@link #settings()} for another declared component ({@link #withComponent}). */
    public StandaloneSettings.Builder settings(String component) {
        return StandaloneSettings.builder()
                .server(server.host(), server.componentPort())
                .component(component, server.componentSecret(component))
                .target(target())
                .requestTimeout(DEFAULT_REQUEST_TIMEOUT)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .statsInterval(Duration.ZERO);
    }

    /** Starts a proxy with {@link #settings()} and waits until its stream is up. */
    public StandaloneProxy startProxy() throws InterruptedException {
        return startProxy(UnaryOperator.identity());
    }

    /** Starts a proxy with {@link #settings()} changed by {@code customize}, and waits until its stream is up. */
    public StandaloneProxy startProxy(UnaryOperator<StandaloneSettings.Builder> customize) throws InterruptedException {
        return startProxy(customize.apply(settings()).build());
    }

    /** Starts a proxy with these settings and waits until its stream is up; it is closed after the test. */
    public StandaloneProxy startProxy(StandaloneSettings settings) throws InterruptedException {
        StandaloneProxy proxy = StandaloneProxy.start(settings);
        proxies.add(proxy);
        assertTrue(proxy.awaitConnected(WAIT), "proxy connected to the component port: " + proxy.summary());
        return proxy;
    }

    /** The proxy started last. */
    public StandaloneProxy proxy() {
        assertTrue(!proxies.isEmpty(), "no proxy started in this test");
        return proxies.get(proxies.size() - 1);
    }

    /** Closes the proxy started last (answering what is pending) and forgets it. */
    public void stopProxy() {
        StandaloneProxy p = proxy();
        p.close();
        proxies.remove(p);
    }

    public ProxyCounters counters() {
        return proxy().core().counters();
    }

    /**
     * The usual start of a test: resources {@code a} and {@code b} of the target come online (in
     * that order), then a proxy with {@link #settings()} changed by {@code customize} starts and
     * sees both.
     */
    public StandaloneProxy botsAndProxy(UnaryOperator<StandaloneSettings.Builder> customize) throws Exception {
        connectBot("a");
        connectBot("b");
        StandaloneProxy proxy = startProxy(customize);
        awaitOnlineResources(2);
        return proxy;
    }

    /** {@link #botsAndProxy(UnaryOperator)} with the default settings. */
    public StandaloneProxy botsAndProxy() throws Exception {
        return botsAndProxy(UnaryOperator.identity());
    }

    /** Waits until the proxy started last sees exactly {@code n} online resources of the target. */
    public void awaitOnlineResources(int n) {
        await(() -> "proxy sees " + n + " online resources: " + proxy().summary(),
                () -> proxy().core().resources().size() == n);
    }

    /** Waits until a counter of the proxy started last reaches at least {@code value}. */
    public void awaitCounter(Counter counter, long value) {
        await(() -> counter.key() + " >= " + value + ": " + proxy().statistics(),
                () -> counters().get(counter) >= value);
    }

    /** Waits until a drop counter of the proxy started last reaches at least {@code value}. */
    public void awaitDropped(DropReason reason, long value) {
        await(() -> "dropped/" + reason.key() + " >= " + value + ": " + proxy().statistics(),
                () -> counters().get(reason) >= value);
    }

    /** Waits until the proxy started last has {@code n} requests pending. */
    public void awaitPending(int n) {
        await(() -> n + " pending: " + proxy().summary(), () -> proxy().core().pendingCount() == n);
    }

    // ------------------------------------------------------------------ bots

    /**
     * Connects resource {@code resource} of the target with priority 0 (replacing the fixture's
     * handle on an earlier bot of that resource, which the test should have closed).
     */
    public EchoBot connectBot(String resource) throws Exception {
        return connectBot(resource, 0);
    }

    public EchoBot connectBot(String resource, int priority) throws Exception {
        EchoBot bot = EchoBot.connect(server, BOT, password(BOT), resource, priority);
        allBots.add(bot);
        bots.put(resource, bot);
        return bot;
    }

    /** The bot last connected as {@code resource}. */
    public EchoBot bot(String resource) {
        EchoBot bot = bots.get(resource);
        assertNotNull(bot, "no bot resource " + resource + " connected");
        return bot;
    }

    /** The bot (of those connected in this test) that holds {@code request} ({@code hold...} texts), once it got there. */
    public EchoBot awaitHolder(IQ request) {
        await(() -> "request " + request.getStanzaId() + " held by one of " + bots.values(),
                () -> holderOf(request) != null);
        return holderOf(request);
    }

    private EchoBot holderOf(IQ request) {
        for (EchoBot bot : bots.values()) {
            if (bot.held.stream().anyMatch(iq -> senderId(iq.getStanzaId()).equals(request.getStanzaId()))) {
                return bot;
            }
        }
        return null;
    }

    /**
     * The sender's id in the id a bot received: the proxy sends {@code <forward number>.<sender's id>}
     * (README, Requests).
     */
    public static String senderId(String idSeenByBot) {
        return idSeenByBot.substring(idSeenByBot.indexOf('.') + 1);
    }

    /** The target's full JID for a resource, e.g. {@code bot@localhost/a}. */
    public String botJid(String resource) {
        return target() + "/" + resource;
    }

    // ------------------------------------------------------------------ users

    /** {@code user@localhost/phone}, connected with available presence; closed after the test. */
    public XMPPTCPConnection user(String user) throws Exception {
        return user(user, "phone");
    }

    /** {@code user@localhost/resource}, connected with available presence; closed after the test. */
    public XMPPTCPConnection user(String user, String resource) throws Exception {
        return user(user, resource, CLIENT_REPLY_TIMEOUT);
    }

    /** As {@link #user(String, String)} with Smack's reply timeout set to {@code replyTimeout}. */
    public XMPPTCPConnection user(String user, String resource, Duration replyTimeout) throws Exception {
        ensureAccount(user);
        XMPPTCPConnection c = XmppClients.connect(server, user, password(user), resource, 0, replyTimeout);
        connections.add(c);
        return c;
    }

    // ------------------------------------------------------------------ stanzas

    /** An {@link EchoIq} get to {@code to} (e.g. {@value #COMPONENT}, {@code proxy.localhost/x}). */
    public static EchoIq get(String text, String to) {
        return echo(IQ.Type.get, text, to);
    }

    /** An {@link EchoIq} set to {@code to}. */
    public static EchoIq set(String text, String to) {
        return echo(IQ.Type.set, text, to);
    }

    public static EchoIq echo(IQ.Type type, String text, String to) {
        EchoIq iq = new EchoIq(text);
        iq.setType(type);
        iq.setTo(jid(to));
        return iq;
    }

    public static Jid jid(String s) {
        try {
            return JidCreate.from(s);
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** Sends a request and returns the collector for its reply (Smack matches id and {@code from}). */
    public static StanzaCollector send(XMPPTCPConnection conn, IQ request) throws Exception {
        return conn.createStanzaCollectorAndSend(request);
    }

    /** The reply (result or error) a collector got; fails if none came within {@link #CLIENT_REPLY_TIMEOUT}. */
    public static IQ reply(StanzaCollector collector) throws InterruptedException {
        try {
            Stanza s = collector.nextResult(CLIENT_REPLY_TIMEOUT.toMillis());
            assertNotNull(s, "no reply within " + CLIENT_REPLY_TIMEOUT);
            return (IQ) s;
        } finally {
            collector.cancel();
        }
    }

    /** Sends a request and waits for its reply, a result or an error. */
    public static IQ ask(XMPPTCPConnection conn, IQ request) throws Exception {
        return reply(send(conn, request));
    }

    /**
     * Asserts a result answering {@code request}: same id, from the address the request was sent
     * to, to the sender's full JID.
     */
    public static EchoIq assertResult(IQ reply, IQ request, XMPPTCPConnection sender) {
        assertEquals(IQ.Type.result, reply.getType(), () -> "a result: " + reply.toXML());
        assertAddressed(reply, request, sender);
        assertTrue(reply instanceof EchoIq, () -> "the echo payload came back: " + reply.toXML());
        return (EchoIq) reply;
    }

    /**
     * Asserts an error answering {@code request}: same id, from the address the request was sent
     * to, to the sender, with this condition and type and a descriptive text.
     */
    public static StanzaError assertError(IQ reply, IQ request, XMPPTCPConnection sender,
            StanzaError.Condition condition, StanzaError.Type type) {
        assertEquals(IQ.Type.error, reply.getType(), () -> "an error: " + reply.toXML());
        assertAddressed(reply, request, sender);
        StanzaError error = reply.getError();
        assertNotNull(error, () -> "an <error/>: " + reply.toXML());
        assertEquals(condition, error.getCondition(), () -> reply.toXML().toString());
        assertEquals(type, error.getType(), () -> reply.toXML().toString());
        assertNotNull(error.getDescriptiveText(), () -> "a <text/> that says what happened: " + reply.toXML());
        return error;
    }

    static void assertAddressed(IQ reply, IQ request, XMPPTCPConnection sender) {
        assertEquals(request.getStanzaId(), reply.getStanzaId(), "the request's id");
        assertEquals(request.getTo(), reply.getFrom(), "from the address the sender used");
        assertEquals(sender.getUser(), reply.getTo(), "to the sender's full JID");
    }

    /**
     * Starts recording every IQ result and error that reaches {@code conn} from the component's
     * domain, including ones no collector waits for (duplicates, unsolicited replies). Open it
     * before sending.
     */
    public static Inbox inbox(XMPPTCPConnection conn) {
        return new Inbox(conn);
    }

    /**
     * The IQ replies a connection received from the component's domain, in order. A Smack
     * collector, not a listener: collectors see stanzas in the reader thread, in order, so once
     * {@link #roundTrip} returns, everything sent before its reply is here.
     */
    public static final class Inbox {
        private final XMPPTCPConnection conn;
        private final StanzaCollector collector;
        private final List<IQ> iqs = new ArrayList<>();

        private Inbox(XMPPTCPConnection conn) {
            this.conn = conn;
            StanzaFilter replies = new AndFilter(new OrFilter(IQTypeFilter.RESULT, IQTypeFilter.ERROR),
                    s -> s.getFrom() != null && COMPONENT.equals(s.getFrom().getDomain().toString()));
            this.collector = conn.createStanzaCollector(StanzaCollector.newConfiguration()
                    .setStanzaFilter(replies).setSize(100_000));
        }

        /** All replies so far. */
        public synchronized List<IQ> all() {
            for (Stanza s; (s = collector.pollResult()) != null; ) {
                iqs.add((IQ) s);
            }
            return List.copyOf(iqs);
        }

        public List<IQ> withId(String id) {
            return all().stream().filter(iq -> id.equals(iq.getStanzaId())).toList();
        }

        /** Ids of the replies so far, in order. */
        public List<String> ids() {
            return all().stream().map(IQ::getStanzaId).toList();
        }

        /**
         * A complete round trip through the proxy to {@code to} (a get the bot answers): once it
         * is back, everything the proxy sent this sender before it has arrived too, since it all
         * came over one component stream and one client stream, in order. Use it to show that
         * nothing else came. Its reply is in the inbox too.
         */
        public IQ roundTrip(String to) throws Exception {
            EchoIq request = get("round-trip", to);
            IQ reply = ask(conn, request);
            assertResult(reply, request, conn);
            await("the round trip's reply recorded", () -> !withId(request.getStanzaId()).isEmpty());
            return reply;
        }

        /** Stops recording. */
        public void close() {
            collector.cancel();
        }
    }

    /** A complete round trip through the proxy (a get to {@code to} that the bot answers). */
    public static void roundTrip(XMPPTCPConnection conn, String to) throws Exception {
        EchoIq request = get("round-trip", to);
        assertResult(ask(conn, request), request, conn);
    }

    // ------------------------------------------------------------------ waiting

    /** Polls {@code condition} every 10 ms for up to {@link #WAIT}; fails with {@code what} otherwise. */
    public static void await(Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + WAIT.toSeconds() + " s waiting for: " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what.get());
            }
        }
    }

    public static void await(String what, BooleanSupplier condition) {
        await(() -> what, condition);
    }
}
