package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.WAIT;
import static io.clientproxy.e2e.FeatureFixture.answer;
import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.askError;
import static io.clientproxy.e2e.FeatureFixture.assertCondition;
import static io.clientproxy.e2e.FeatureFixture.error;
import static io.clientproxy.e2e.FeatureFixture.exchange;
import static io.clientproxy.e2e.FeatureFixture.get;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static io.clientproxy.e2e.FeatureFixture.reply;
import static io.clientproxy.e2e.FeatureFixture.resourceOf;
import static io.clientproxy.e2e.FeatureFixture.seenFrom;
import static io.clientproxy.e2e.FeatureFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import io.clientproxy.standalone.StandaloneSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code allowed-senders}, {@code rate-limit} and {@code rate-burst} (README Options, Errors):
 * what allowed and refused senders receive, and that the target itself is never refused or limited.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class AccessControlIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";

    static final Map<String, FeatureBot> bots = new TreeMap<>();
    static FeatureSender alicePhone;
    static XMPPTCPConnection aliceLaptop;
    static XMPPTCPConnection carolDesk;
    static XMPPTCPConnection carolOther;
    static FeatureSender mallory;
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice", "carol", "mallory");
        for (String r : List.of("a", "b")) {
            FeatureBot bot = FeatureFixture.bot("bot", r, 0);
            bots.put(r, bot);
            closeables.add(bot);
        }
        alicePhone = FeatureSender.connect("alice", "phone");
        aliceLaptop = FeatureFixture.user("alice", "laptop");
        carolDesk = FeatureFixture.user("carol", "desk");
        carolOther = FeatureFixture.user("carol", "other");
        mallory = FeatureSender.connect("mallory", "x");
        closeables.addAll(List.of(alicePhone, aliceLaptop, carolDesk, carolOther, mallory));
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @AfterEach
    void stopProxy() {
        FeatureFixture.closeProxies();
    }

    private static StandaloneProxy start(StandaloneSettings.Builder settings) throws InterruptedException {
        return FeatureFixture.startProxy(settings, 2);
    }

    private static StandaloneSettings.Builder settings() {
        return FeatureFixture.settings(COMPONENT, TARGET);
    }

    private static int botRequests() {
        return bots.values().stream().mapToInt(b -> b.requests.size()).sum();
    }

    private static void assertForbidden(XMPPTCPConnection who, String to) throws Exception {
        StanzaError e = askError(who, to, "let me in");
        assertCondition(e, StanzaError.Condition.forbidden, StanzaError.Type.AUTH);
    }

    @Test
    void onlyListedSendersGetAnswersEveryoneElseForbidden() throws Exception {
        StandaloneProxy proxy = start(settings()
                .set("allowed-senders", "alice@localhost, carol@localhost/desk")
                .set("messages", "true"));
        int before = botRequests();
        // A bare JID admits every resource of the account; a full JID only that resource.
        ask(alicePhone.connection, COMPONENT, "phone");
        ask(aliceLaptop, COMPONENT, "laptop");
        ask(carolDesk, "svc@proxy.localhost", "desk");

        assertForbidden(carolOther, COMPONENT);
        assertForbidden(mallory.connection, COMPONENT);
        assertForbidden(mallory.connection, "svc@proxy.localhost");

        // Messages too.
        mallory.connection.sendStanza(mallory.connection.getStanzaFactory().buildMessageStanza()
                .to(jid(COMPONENT)).ofType(Message.Type.chat).setBody("hi").build());
        Message refused = mallory.nextMessage(WAIT);
        assertNotNull(refused, "mallory's message is answered");
        assertEquals(Message.Type.error, refused.getType(), () -> refused.toXML().toString());
        assertEquals(COMPONENT, String.valueOf(refused.getFrom()));
        assertCondition(refused.getError(), StanzaError.Condition.forbidden, StanzaError.Type.AUTH);

        assertEquals(3, botRequests() - before, "only the allowed requests reached the bot");
        assertEquals(3, proxy.core().counters().get(Counter.REQUESTS_FORWARDED));
        assertEquals(0, proxy.core().counters().get(Counter.MESSAGES_TO_TARGET));
        assertEquals(4, proxy.core().counters().get(Condition.FORBIDDEN));
    }

    @Test
    void aDomainEntryAdmitsEveryAddressOfThatDomain() throws Exception {
        start(settings().set("allowed-senders", "example.org"));
        assertForbidden(alicePhone.connection, COMPONENT);
        FeatureFixture.closeProxies();

        start(settings().set("allowed-senders", "localhost"));
        ask(mallory.connection, COMPONENT, "anyone at localhost");
        ask(carolOther, COMPONENT, "anyone at localhost");
    }

    @Test
    void aBurstOverTheRateLimitGetsPolicyViolationPerSender() throws Exception {
        StandaloneProxy proxy = start(settings().set("rate-limit", "2").set("rate-burst", "3"));
        long t0 = System.nanoTime();
        List<StanzaCollector> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(send(aliceLaptop, get(COMPONENT, "burst" + i)));
        }
        for (int i = 0; i < 5; i++) {
            IQ r = reply(burst.get(i));
            if (i < 3) {
                assertEquals("burst" + i, answer(r, COMPONENT).text().split(" ")[0], "the burst is served");
            } else {
                assertCondition(error(r, COMPONENT), StanzaError.Condition.policy_violation, StanzaError.Type.WAIT);
            }
        }
        assertEquals(3, proxy.core().counters().get(Counter.REQUESTS_FORWARDED));
        assertEquals(2, proxy.core().counters().get(Condition.POLICY_VIOLATION));

        // Another full JID of the same account has a bucket of its own.
        ask(alicePhone.connection, COMPONENT, "my own bucket");

        // The laptop gets a token back after 1/rate-limit seconds.
        while (true) {
            IQ r = exchange(aliceLaptop, get(COMPONENT, "later"));
            if (r.getType() == IQ.Type.result) {
                break;
            }
            assertCondition(error(r, COMPONENT), StanzaError.Condition.policy_violation, StanzaError.Type.WAIT);
            if (System.nanoTime() - t0 > WAIT.toNanos()) {
                fail("the rate limit never let the laptop through again");
            }
            Thread.sleep(50);
        }
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= Duration.ofMillis(400).toNanos(), "not before a token refilled (0.5 s): " + waited / 1_000_000 + " ms");
    }

    @Test
    void aMessageFirstDoesNotLiftTheRateLimit() throws Exception {
        StandaloneProxy proxy = start(settings().set("rate-limit", "2").set("rate-burst", "3").set("messages", "true"));
        // A chat message maps alice before any request does.
        alicePhone.connection.sendStanza(alicePhone.connection.getStanzaFactory().buildMessageStanza()
                .to(jid(COMPONENT)).ofType(Message.Type.chat).setBody("hello first").build());
        FeatureFixture.await(() -> proxy.core().counters().get(Counter.MESSAGES_TO_TARGET) == 1, proxy::summary);
        List<StanzaCollector> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(send(alicePhone.connection, get(COMPONENT, "burst" + i)));
        }
        int answered = 0;
        int limited = 0;
        for (StanzaCollector c : burst) {
            IQ r = reply(c);
            if (r.getType() == IQ.Type.result) {
                answered++;
            } else {
                assertCondition(error(r, COMPONENT), StanzaError.Condition.policy_violation, StanzaError.Type.WAIT);
                limited++;
            }
        }
        assertEquals(List.of(3, 2), List.of(answered, limited), "rate-burst 3 applies to a sender mapped by a message too");
    }

    @Test
    void theTargetIsNeitherFilteredNorRateLimited() throws Exception {
        StandaloneProxy proxy = start(settings()
                .set("allowed-senders", "alice@localhost")
                .set("rate-limit", "2").set("rate-burst", "3")
                .set("outbound-requests", "true"));
        FeatureIq first = ask(alicePhone.connection, COMPONENT, "map me");
        String encoded = seenFrom(first);
        FeatureBot bot = bots.get(resourceOf(first));
        // Eight requests at once from the target to alice: none refused, none limited.
        List<StanzaCollector> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(send(bot.connection, FeatureIq.request(IQ.Type.get, jid(encoded), "q" + i)));
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(alicePhone.answerText("q" + i), answer(reply(out.get(i)), encoded).text());
        }
        assertEquals(8, proxy.core().counters().get(Counter.OUTBOUND_REPLIES_DELIVERED));
        assertEquals(0, proxy.core().counters().get(Condition.POLICY_VIOLATION));
        assertEquals(0, proxy.core().counters().get(Condition.FORBIDDEN));
    }
}
