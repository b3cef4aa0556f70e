package io.clientproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clientproxy.standalone.StandaloneProxy;
import io.clientproxy.standalone.StandaloneSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Shared set-up of the feature suites (BalancingIT, OutboundRequestsIT, MessagesIT, DiscoIT,
 * AccessControlIT, AdminCommandsIT, MultiProxyIT): one Prosody per class, accounts whose password
 * is {@code <user>-pw}, standalone proxies started per test, and helpers that send a request and
 * check what comes back on the wire (the reply is collected by id, whatever its {@code from}, so
 * that a wrong address fails with a clear message instead of a timeout).
 *
 * <p>Suites run one after another in one JVM; the fixture remembers the current Prosody and the
 * proxies it started, for {@link DumpLogOnFailure} and {@link #closeProxies()}.
 */
public final class FeatureFixture {
    public static final Duration WAIT = Duration.ofSeconds(10);
    public static final String SECRET = "feature-" + Long.toHexString(System.nanoTime());

    private static volatile ProsodyServer prosody;
    private static final List<StandaloneProxy> proxies = new CopyOnWriteArrayList<>();
    /** The proxies closed by the last {@link #closeProxies()}, for diagnostics after @AfterEach. */
    private static volatile List<StandaloneProxy> recent = List.of();

    static {
        XmppClients.init();
        FeatureIq.register();
    }

    private FeatureFixture() {
    }

    // ------------------------------------------------------------------ set-up

    /** Starts Prosody on {@code localhost} with these components (all with {@link #SECRET}) and registers the users. */
    public static ProsodyServer startProsody(List<String> components, String... users) {
        return startProsody(b -> b, components, users);
    }

    /** As {@link #startProsody(List, String...)}, with more of Prosody's configuration (modules). */
    public static ProsodyServer startProsody(java.util.function.UnaryOperator<ProsodyServer.Builder> more,
                                             List<String> components, String... users) {
        ProsodyServer.Builder b = more.apply(ProsodyServer.builder().domain("localhost"));
        for (String c : components) {
            b.component(c, SECRET);
        }
        prosody = b.start();
        for (String u : users) {
            prosody.register(u, u + "-pw");
        }
        return prosody;
    }

    /** Settings for a proxy of {@code component} toward {@code target}, quick to reconnect, no summary log. */
    public static StandaloneSettings.Builder settings(String component, String target) {
        return StandaloneSettings.builder()
                .server(prosody.host(), prosody.componentPort())
                .component(component, SECRET)
                .target(target)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .statsInterval(Duration.ZERO);
    }

    /** Starts a proxy and waits until it is connected and sees {@code resources} online resources. */
    public static StandaloneProxy startProxy(StandaloneSettings.Builder settings, int resources) throws InterruptedException {
        StandaloneProxy proxy = StandaloneProxy.start(settings.build());
        proxies.add(proxy);
        assertTrue(proxy.awaitConnected(WAIT), "connected to Prosody's component port: " + proxy.summary());
        assertTrue(proxy.awaitOnlineResources(resources, WAIT), resources + " resources online: " + proxy.summary());
        return proxy;
    }

    /** Makes {@link #closeProxies()} close a proxy the test started itself. */
    public static void register(StandaloneProxy proxy) {
        proxies.add(proxy);
    }

    /** Closes every proxy started since the last call. */
    public static void closeProxies() {
        recent = List.copyOf(proxies);
        for (StandaloneProxy p : recent) {
            p.close();
        }
        proxies.clear();
    }

    /** A logged-in, available client {@code user@localhost/resource}. */
    public static XMPPTCPConnection user(String user, String resource) throws Exception {
        return XmppClients.connect(prosody, user, user + "-pw", resource, 0);
    }

    public static FeatureBot bot(String user, String resource, int priority) throws Exception {
        return FeatureBot.connect(prosody, user, user + "-pw", resource, priority);
    }

    /** Closes clients, bots, proxies and Prosody, ignoring failures. */
    public static void closeAll(Iterable<?> things) {
        closeProxies();
        for (Object o : things) {
            try {
                if (o instanceof XMPPTCPConnection c) {
                    c.disconnect();
                } else if (o instanceof AutoCloseable c) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (prosody != null) {
            prosody.close();
            prosody = null;
        }
    }

    // ------------------------------------------------------------------ requests and answers

    public static Jid jid(String s) {
        try {
            return JidCreate.from(s);
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    public static FeatureIq get(String to, String text) {
        return FeatureIq.request(IQ.Type.get, jid(to), text);
    }

    /** Sends a request; the collector gets whatever comes back with its id. */
    public static StanzaCollector send(XMPPTCPConnection conn, IQ request) throws Exception {
        if (request.getStanzaId() == null) {
            request.setStanzaId(java.util.UUID.randomUUID().toString());
        }
        return conn.createStanzaCollectorAndSend(new StanzaIdFilter(request.getStanzaId()), request);
    }

    /** The stanza that came back on {@code collector} (within {@link #WAIT}); fails if none. */
    public static IQ reply(StanzaCollector collector) throws InterruptedException {
        Stanza s = collector.nextResult(WAIT.toMillis());
        collector.cancel();
        assertNotNull(s, "no reply to " + collector.getStanzaFilter() + " within " + WAIT);
        return assertInstanceOf(IQ.class, s, "the reply is an IQ");
    }

    public static IQ exchange(XMPPTCPConnection conn, IQ request) throws Exception {
        return reply(send(conn, request));
    }

    /** A result from {@code expectedFrom}, with a {@link FeatureIq} payload. */
    public static FeatureIq answer(IQ reply, String expectedFrom) {
        assertEquals(IQ.Type.result, reply.getType(), () -> "a result, not " + reply.toXML());
        assertEquals(expectedFrom, String.valueOf(reply.getFrom()), () -> "answered from the address used: " + reply.toXML());
        return assertInstanceOf(FeatureIq.class, reply, () -> "the payload is kept: " + reply.toXML());
    }

    /** An error from {@code expectedFrom}; returns its condition and type. */
    public static StanzaError error(IQ reply, String expectedFrom) {
        assertEquals(IQ.Type.error, reply.getType(), () -> "an error, not " + reply.toXML());
        assertEquals(expectedFrom, String.valueOf(reply.getFrom()), () -> "answered from the address used: " + reply.toXML());
        assertNotNull(reply.getError(), () -> "carries <error/>: " + reply.toXML());
        return reply.getError();
    }

    /** Asks {@code to} with a get; asserts a result from {@code to}. */
    public static FeatureIq ask(XMPPTCPConnection conn, String to, String text) throws Exception {
        return answer(exchange(conn, get(to, text)), to);
    }

    /** Asks {@code to} with a get; asserts an error from {@code to}. */
    public static StanzaError askError(XMPPTCPConnection conn, String to, String text) throws Exception {
        return error(exchange(conn, get(to, text)), to);
    }

    /** The resource a {@link FeatureBot} answer names ({@code "... at <resource>"}). */
    public static String resourceOf(FeatureIq answer) {
        String t = answer.text();
        int at = t.lastIndexOf(" at ");
        assertTrue(at > 0, "a FeatureBot answer: " + t);
        return t.substring(at + 4);
    }

    /** The address the answering bot saw the request come from ({@code "... from <address> at ..."}). */
    public static String seenFrom(FeatureIq answer) {
        String t = answer.text();
        int from = t.indexOf(" from ");
        int at = t.lastIndexOf(" at ");
        assertTrue(from > 0 && at > from, "a FeatureBot answer: " + t);
        return t.substring(from + 6, at);
    }

    /** Asserts that the error is {@code condition} of {@code type}, with a text. */
    public static void assertCondition(StanzaError e, StanzaError.Condition condition, StanzaError.Type type) {
        assertEquals(condition, e.getCondition(), e::toString);
        assertEquals(type, e.getType(), e::toString);
        assertTrue(e.getDescriptiveText() != null && !e.getDescriptiveText().isBlank(), () -> "a <text/>: " + e);
    }

    /** Waits until {@code condition} holds (polling every 10 ms, up to {@link #WAIT}). */
    public static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for: " + what.get());
            }
            Thread.sleep(10);
        }
    }

    /** Waits until {@code proxy} sees exactly these resources online, with these priorities (resource -> priority). */
    public static void awaitResources(StandaloneProxy proxy, java.util.Map<String, Integer> expected) throws InterruptedException {
        await(() -> resources(proxy).equals(expected), () -> "proxy sees " + expected + ", has " + resources(proxy));
    }

    /** The resources the proxy sees online: resource part -> priority. */
    public static java.util.Map<String, Integer> resources(StandaloneProxy proxy) {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (var r : proxy.core().resources().snapshot()) {
            out.put(r.jid().resource(), r.priority());
        }
        return out;
    }

    /** Prints the tail of Prosody's log and the proxies' summaries when a test fails. */
    public static final class DumpLogOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            List<String> summaries = new ArrayList<>();
            List<StandaloneProxy> all = new ArrayList<>(recent);
            all.addAll(proxies);
            for (StandaloneProxy p : all) {
                summaries.add(p.summary() + " " + p.statistics());
            }
            ProsodyServer p = prosody;
            System.err.println("=== " + context.getDisplayName() + " failed ===\nproxies: " + summaries
                    + (p == null ? "" : "\n--- Prosody log tail ---\n" + p.logTail(60)));
        }
    }
}
