package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.e2e.ProsodyServer;
import io.clientproxy.e2e.XmppClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Nonza;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Hostile stanzas over a real stream: mallory, an ordinary user of a real Prosody, sends the
 * component oversized, deep, wide, long-named and entity-heavy stanzas as raw XML over her c2s
 * connection; Prosody passes them on to the standalone proxy's component stream. Each request
 * among them is answered policy-violation, each other stanza is dropped and counted, alice's
 * requests in between are all answered, and the component stream never drops.
 */
@Timeout(120)
@ExtendWith(StandaloneProsodyIT.DumpLogOnFailure.class)
class HostileStanzasIT {
    static final String COMPONENT = "proxy.localhost";
    static final String SECRET = "hostile-" + Long.toHexString(System.nanoTime());
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Well below Prosody's own c2s limit (256 KiB), so Prosody passes everything over ours on. */
    static final int MAX_BYTES = 16 * 1024;

    private static ProsodyServer prosody;
    private static EchoBot bot;
    private static XMPPTCPConnection alice;
    private static XMPPTCPConnection mallory;
    private static StandaloneProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        prosody = ProsodyServer.builder().domain("localhost").component(COMPONENT, SECRET).start();
        StandaloneProsodyIT.prosodyForLogs(prosody);
        prosody.register("bot", "bot-pw");
        prosody.register("alice", "alice-pw");
        prosody.register("mallory", "mallory-pw");
        bot = EchoBot.connect(prosody, "bot", "bot-pw", "a");
        EchoIq.register();
        alice = XmppClients.connect(prosody, "alice", "alice-pw", "phone", 0);
        mallory = XmppClients.connect(prosody, "mallory", "mallory-pw", "pc", 0);
        proxy = StandaloneProxy.start(StandaloneSettings.builder()
                .server(prosody.host(), prosody.componentPort())
                .component(COMPONENT, SECRET)
                .target("bot@localhost")
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .statsInterval(Duration.ZERO)
                .set(StanzaLimits.MAX_STANZA_SIZE, String.valueOf(MAX_BYTES))
                .set(StanzaLimits.MAX_STANZA_DEPTH, "16")
                .set(StanzaLimits.MAX_ATTRIBUTES, "16")
                .set(StanzaLimits.MAX_NAME_LENGTH, "64")
                .build());
        assertTrue(proxy.awaitConnected(WAIT));
        assertTrue(proxy.awaitOnlineResources(1, WAIT), proxy.summary());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {proxy, bot, alice == null ? null : alice::disconnect,
                mallory == null ? null : mallory::disconnect, prosody}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** Raw XML on mallory's c2s stream, as a hostile client writes it. */
    private static void raw(String xml) throws Exception {
        mallory.sendNonza(new Nonza() {
            @Override
            public String getNamespace() {
                return "jabber:client";
            }

            @Override
            public String getElementName() {
                return "raw";
            }

            @Override
            public CharSequence toXML(XmlEnvironment env) {
                return xml;
            }
        });
    }

    private static String iq(String id, String payload) {
        return "<iq type='get' id='" + id + "' to='" + COMPONENT + "'>" + payload + "</iq>";
    }

    private static EchoIq request(String text) throws Exception {
        EchoIq iq = new EchoIq(text);
        iq.setType(IQ.Type.get);
        iq.setTo(JidCreate.domainBareFrom(COMPONENT));
        return iq;
    }

    private static void aliceIsAnswered(String text) throws Exception {
        IQ reply = alice.createStanzaCollectorAndSend(request(text)).nextResultOrThrow(WAIT.toMillis());
        assertEquals(COMPONENT, reply.getFrom().toString());
        assertTrue(((EchoIq) reply).text().startsWith(text + " from " + COMPONENT + "/"), ((EchoIq) reply).text());
    }

    private static String wide(int attributes) {
        StringBuilder b = new StringBuilder("<q xmlns='urn:test:x'");
        for (int i = 0; i < attributes; i++) {
            b.append(" a").append(i).append("='").append(i).append("'");
        }
        return b.append("/>").toString();
    }

    @Test
    void aFloodOfOversizedDeepWideAndLongNamedStanzasLeavesEveryoneElseServed() throws Exception {
        Map<String, String> hostile = Map.of(
                "big", "<q xmlns='urn:test:x'>" + "a'b\"c&amp;".repeat(MAX_BYTES / 8) + "</q>",
                "deep", "<q xmlns='urn:test:x'>" + "<d>".repeat(200) + "</d>".repeat(200) + "</q>",
                "wide", wide(40),
                "name", "<" + "n".repeat(1001) + " xmlns='urn:test:x'/>");
        int rounds = 10;
        for (int round = 0; round < rounds; round++) {
            // Not requests: dropped and counted, never answered. Sent first: once the requests
            // that follow on the same stream are answered, these have been read.
            raw("<message to='" + COMPONENT + "' id='m" + round + "'><body>" + "x".repeat(MAX_BYTES) + "</body></message>");
            raw("<iq type='result' id='r" + round + "' to='" + COMPONENT + "/x'>" + "<d>".repeat(100) + "</d>".repeat(100) + "</iq>");
            List<StanzaCollector> answers = new ArrayList<>();
            for (Map.Entry<String, String> e : hostile.entrySet()) {
                String id = e.getKey() + "-" + round;
                answers.add(mallory.createStanzaCollector(new StanzaIdFilter(id)));
                raw(iq(id, e.getValue()));
            }
            aliceIsAnswered("between " + round);
            for (StanzaCollector c : answers) {
                Stanza s = c.nextResult(WAIT.toMillis());
                c.cancel();
                assertTrue(s instanceof IQ && ((IQ) s).getType() == IQ.Type.error, "an error answer: " + s);
                StanzaError error = s.getError();
                assertEquals(StanzaError.Condition.policy_violation, error.getCondition(), s.toString());
                assertEquals(StanzaError.Type.MODIFY, error.getType(), s.toString());
                assertTrue(error.getDescriptiveText().contains("this service accepts"), error.getDescriptiveText());
                assertEquals(COMPONENT, s.getFrom().toString(), "answered from the address mallory used");
            }
        }
        assertEquals(4L * rounds, proxy.counters().get(StandaloneCounter.REQUESTS_OVER_LIMIT));
        assertEquals(rounds, proxy.counters().get(StandaloneCounter.DROPPED_TOO_LARGE), proxy.statistics().toString());
        assertEquals(rounds, proxy.counters().get(StandaloneCounter.DROPPED_TOO_DEEP), proxy.statistics().toString());
        assertEquals(0, proxy.counters().get(StandaloneCounter.CONNECTION_LOSSES), proxy.summary());
        assertEquals(0, proxy.counters().get(StandaloneCounter.RECONNECTS), proxy.summary());
        assertTrue(proxy.isConnected());
    }

    /**
     * Prosody writes every ' and " in text as &amp;apos; and &amp;quot;. 1,100 requests of 100 quotes
     * each put 110,000 such references on the component stream (JDK 24 and later stopped the whole
     * stream at 100,000): every one is answered and the stream stays up.
     */
    @Test
    void moreThanAHundredThousandEscapedQuotesDoNotEndTheStream() throws Exception {
        long forwardedBefore = proxy.core().counters().get(Counter.REQUESTS_FORWARDED);
        String quotes = "'\"".repeat(50);
        int requests = 1100;
        int window = 50;
        List<StanzaCollector> inFlight = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            inFlight.add(mallory.createStanzaCollectorAndSend(request("q" + i + quotes)));
            if (inFlight.size() == window || i == requests - 1) {
                for (StanzaCollector c : inFlight) {
                    IQ reply = c.nextResultOrThrow(WAIT.toMillis());
                    assertTrue(((EchoIq) reply).text().contains(quotes));
                }
                inFlight.clear();
            }
        }
        aliceIsAnswered("after the quotes");
        assertEquals(requests + 1, proxy.core().counters().get(Counter.REQUESTS_FORWARDED) - forwardedBefore);
        assertEquals(0, proxy.counters().get(StandaloneCounter.CONNECTION_LOSSES), proxy.summary());
        assertEquals(0, proxy.counters().get(StandaloneCounter.RECONNECTS), proxy.summary());
    }
}
