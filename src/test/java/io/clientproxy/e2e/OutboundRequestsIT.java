package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.answer;
import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.assertCondition;
import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.error;
import static io.clientproxy.e2e.FeatureFixture.exchange;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static io.clientproxy.e2e.FeatureFixture.resourceOf;
import static io.clientproxy.e2e.FeatureFixture.seenFrom;
import static io.clientproxy.e2e.FeatureFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.standalone.StandaloneProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * README "Requests from the target" ({@code outbound-requests}): a resource of {@code bot} asks
 * {@code proxy.localhost/<token>} of a sender who asked something; the request reaches
 * {@code alice/phone} from the address she used, her answer comes back to that resource from
 * {@code proxy.localhost/<token>}.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class OutboundRequestsIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";

    static final Map<String, FeatureBot> bots = new TreeMap<>();
    static FeatureSender alice;
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
        for (String r : List.of("a", "b")) {
            FeatureBot bot = FeatureFixture.bot("bot", r, 0);
            bots.put(r, bot);
            closeables.add(bot);
        }
        alice = FeatureSender.connect("alice", "phone");
        closeables.add(alice);
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @AfterEach
    void stopProxy() throws Exception {
        alice.releaseHeld();
        FeatureFixture.closeProxies();
    }

    private static StandaloneProxy start(boolean outbound, Duration timeout) throws InterruptedException {
        return FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("outbound-requests", String.valueOf(outbound)).requestTimeout(timeout), 2);
    }

    /** Alice asks via {@code addressUsed}; returns the bot's answer (its text names the token and the resource). */
    private static FeatureIq aliceAsks(String addressUsed, String text) throws Exception {
        FeatureIq answer = ask(alice.connection, addressUsed, text);
        assertTrue(seenFrom(answer).matches("proxy\\.localhost/" + ForwardingScenarios.TOKEN.pattern()), "opaque token: " + answer.text());
        return answer;
    }

    /** {@code bot} sends a request of {@code type} to {@code to}; returns what came back. */
    private static IQ botAsks(FeatureBot bot, IQ.Type type, String to, String text) throws Exception {
        return exchange(bot.connection, FeatureIq.request(type, jid(to), text));
    }

    @Test
    void theTargetAsksAMappedSenderWhoAnswersThroughTheProxy() throws Exception {
        StandaloneProxy proxy = start(true, Duration.ofSeconds(30));
        int base = alice.requests.size();
        FeatureIq first = aliceAsks("svc@proxy.localhost", "hello");
        String encoded = seenFrom(first);
        FeatureBot asker = bots.get(resourceOf(first));
        FeatureBot other = bots.get(resourceOf(first).equals("a") ? "b" : "a");

        // The resource that served alice asks her back, at the address it saw.
        FeatureIq question = FeatureIq.request(IQ.Type.get, jid(encoded), "your name?");
        FeatureIq reply = answer(exchange(asker.connection, question), encoded);
        assertEquals(alice.answerText("your name?"), reply.text(), "alice's answer, payload kept");
        assertEquals(base + 1, alice.requests.size());
        FeatureBot.Received seen = alice.requests.get(base);
        assertEquals("svc@proxy.localhost", seen.from(), "from the address alice used, not the token");
        assertEquals("alice@localhost/phone", seen.to());
        assertEquals(question.getStanzaId(), seen.id(), "id untouched");
        assertEquals(IQ.Type.get, seen.type());

        // Alice now uses another address of the component: the next request comes from that one.
        assertEquals(encoded, seenFrom(aliceAsks("proxy.localhost/x", "again")), "same token while mapped");
        // The other resource asks with a set: the answer goes to the resource that asked.
        FeatureIq setReply = answer(botAsks(other, IQ.Type.set, encoded, "do it"), encoded);
        assertEquals(alice.answerText("do it"), setReply.text());
        FeatureBot.Received second = alice.requests.get(base + 1);
        assertEquals("proxy.localhost/x", second.from(), "from the address alice used last");
        assertEquals(IQ.Type.set, second.type());

        assertEquals(2, proxy.core().counters().get(Counter.OUTBOUND_FORWARDED));
        assertEquals(2, proxy.core().counters().get(Counter.OUTBOUND_REPLIES_DELIVERED));
    }

    @Test
    void theSendersErrorReachesTheAskingResource() throws Exception {
        start(true, Duration.ofSeconds(30));
        FeatureIq first = aliceAsks(COMPONENT, "hi");
        String encoded = seenFrom(first);
        StanzaError e = error(botAsks(bots.get(resourceOf(first)), IQ.Type.get, encoded, FeatureSender.REFUSE), encoded);
        assertEquals(StanzaError.Condition.not_acceptable, e.getCondition(), e::toString);
        // Smack writes its <text/> without the stanzas namespace, so Smack does not parse it back as
        // the descriptive text; it is in the error element as alice sent it.
        assertTrue(e.toXML().toString().contains(">not from me</text>"), () -> "the sender's error text is kept: " + e.toXML());
    }

    @Test
    void addressesThatMapNoSenderGetItemNotFound() throws Exception {
        StandaloneProxy proxy = start(true, Duration.ofSeconds(30));
        aliceAsks(COMPONENT, "mapped");
        int before = alice.requests.size();
        FeatureBot bot = bots.get("a");
        for (String to : List.of("proxy.localhost/unknowntoken",
                // shaped like a real token (shard character, 22 more): still maps nobody
                "proxy.localhost/AAAAAAAAAAAAAAAAAAAAAAA")) {
            StanzaError e = error(botAsks(bot, IQ.Type.get, to, "anyone?"), to);
            assertCondition(e, StanzaError.Condition.item_not_found, StanzaError.Type.CANCEL);
        }
        assertEquals(before, alice.requests.size(), "nobody was asked");
        assertEquals(0, proxy.core().counters().get(Counter.OUTBOUND_FORWARDED));
    }

    @Test
    void anUnansweredRequestTimesOutAtTheAskingResource() throws Exception {
        start(true, Duration.ofSeconds(1));
        FeatureIq first = aliceAsks(COMPONENT, "hi");
        String encoded = seenFrom(first);
        long t0 = System.nanoTime();
        StanzaError e = error(botAsks(bots.get(resourceOf(first)), IQ.Type.get, encoded, FeatureSender.SILENT), encoded);
        assertCondition(e, StanzaError.Condition.remote_server_timeout, StanzaError.Type.WAIT);
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(900).toNanos(), "after request-timeout, not before");
    }

    @Test
    void whenTheAskingResourceLeavesTheRequestIsAbandonedAndTheLateAnswerDropped() throws Exception {
        StandaloneProxy proxy = start(true, Duration.ofSeconds(30));
        FeatureIq first = aliceAsks(COMPONENT, "hi");
        String encoded = seenFrom(first);
        FeatureBot asker = bots.get(resourceOf(first));
        int base = alice.requests.size();
        StanzaCollector pending = send(asker.connection, FeatureIq.request(IQ.Type.get, jid(encoded), FeatureSender.SILENT));
        try {
            await(() -> alice.requests.size() == base + 1, () -> "alice was asked");
            asker.unavailable();
            await(() -> proxy.core().counters().get(Counter.OUTBOUND_ABANDONED) == 1, proxy::summary);

            long notPending = proxy.core().counters().get(DropReason.NOT_PENDING);
            assertEquals(1, alice.releaseHeld(), "alice answers late");
            await(() -> proxy.core().counters().get(DropReason.NOT_PENDING) == notPending + 1,
                    () -> "the late answer is dropped: " + proxy.statistics());
            assertNull(pending.pollResult(), "nothing reaches the resource that left");
            assertEquals(0, proxy.core().counters().get(Counter.OUTBOUND_REPLIES_DELIVERED));
        } finally {
            pending.cancel();
            asker.available(0);
            await(() -> proxy.core().resources().size() == 2, proxy::summary);
        }
    }

    @Test
    void withTheOptionOffTheTargetGetsFeatureNotImplemented() throws Exception {
        StandaloneProxy proxy = start(false, Duration.ofSeconds(30));
        FeatureIq first = aliceAsks(COMPONENT, "hi");
        String encoded = seenFrom(first);
        int before = alice.requests.size();
        for (IQ.Type type : List.of(IQ.Type.get, IQ.Type.set)) {
            StanzaError e = error(botAsks(bots.get(resourceOf(first)), type, encoded, "may I?"), encoded);
            assertCondition(e, StanzaError.Condition.feature_not_implemented, StanzaError.Type.CANCEL);
        }
        assertEquals(before, alice.requests.size(), "alice was not asked");
        assertEquals(0, proxy.core().counters().get(Counter.OUTBOUND_FORWARDED));
        // Alice's own requests still work.
        assertNotEquals(null, aliceAsks(COMPONENT, "still there?"));
    }
}
