package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.WAIT;
import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.assertCondition;
import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static io.clientproxy.e2e.FeatureFixture.resourceOf;
import static io.clientproxy.e2e.FeatureFixture.seenFrom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * README "Messages" ({@code messages = true}): alice's chat messages to the component reach one
 * resource of {@code bot} (a, b or c) from {@code proxy.localhost/<token>}, the same one for the
 * whole conversation whatever {@code balancer} says; the bot's messages to the token reach alice
 * from the address she used.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class MessagesIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";

    static final Map<String, FeatureBot> bots = new TreeMap<>();
    static FeatureSender alice;
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
        for (String r : List.of("a", "b", "c")) {
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

    @BeforeEach
    void forgetMessages() {
        bots.values().forEach(b -> b.messages.clear());
        alice.messages.clear();
    }

    @AfterEach
    void stopProxy() {
        FeatureFixture.closeProxies();
    }

    private static StandaloneProxy start(boolean messages) throws InterruptedException {
        return FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("messages", String.valueOf(messages)).set("balancer", "round-robin"), 3);
    }

    private static void aliceWrites(String to, String body) throws Exception {
        alice.connection.sendStanza(alice.connection.getStanzaFactory().buildMessageStanza()
                .to(jid(to)).ofType(Message.Type.chat).setBody(body).build());
    }

    private static int botMessages() {
        return bots.values().stream().mapToInt(b -> b.messages.size()).sum();
    }

    /** Waits for {@code n} messages at the bot's resources, then returns them by resource (and takes them). */
    private static Map<String, List<Message>> takeBotMessages(int n) throws InterruptedException {
        await(() -> botMessages() >= n, () -> n + " messages at the bot, have " + botMessages());
        Map<String, List<Message>> out = new TreeMap<>();
        for (Map.Entry<String, FeatureBot> e : bots.entrySet()) {
            List<Message> got = new ArrayList<>();
            e.getValue().messages.drainTo(got);
            if (!got.isEmpty()) {
                out.put(e.getKey(), got);
            }
        }
        return out;
    }

    /** The one resource all these messages went to, checking their addresses and bodies. */
    private static String oneResource(Map<String, List<Message>> byResource, String encoded, List<String> bodies) {
        assertEquals(1, byResource.size(), () -> "one resource for the conversation: " + byResource);
        String r = byResource.keySet().iterator().next();
        List<String> got = new ArrayList<>();
        for (Message m : byResource.get(r)) {
            assertEquals(Message.Type.chat, m.getType(), () -> m.toXML().toString());
            assertEquals(encoded, String.valueOf(m.getFrom()), () -> "from the sender's token: " + m.toXML());
            assertEquals(TARGET + "/" + r, String.valueOf(m.getTo()), () -> m.toXML().toString());
            got.add(m.getBody());
        }
        assertEquals(bodies, got, "bodies kept, in order");
        return r;
    }

    private static Message aliceReceives() throws InterruptedException {
        Message m = alice.nextMessage(WAIT);
        assertNotNull(m, "alice got a message");
        return m;
    }

    private static Message botReceives(FeatureBot bot) throws InterruptedException {
        Message m = bot.nextMessage(WAIT);
        assertNotNull(m, bot + " got a message");
        return m;
    }

    @Test
    void aConversationStaysWithOneResourceAndRepliesComeFromTheAddressTheSenderUsed() throws Exception {
        StandaloneProxy proxy = start(true);
        // Alice's IQs go round the resources (round-robin) and show her token.
        Set<String> iqResources = new HashSet<>();
        String encoded = null;
        for (int i = 0; i < 3; i++) {
            FeatureIq answer = ask(alice.connection, COMPONENT, "iq" + i);
            iqResources.add(resourceOf(answer));
            encoded = seenFrom(answer);
        }
        assertEquals(Set.of("a", "b", "c"), iqResources, "requests follow the balancer");

        List<String> bodies = List.of("m1", "m2", "m3", "m4", "m5");
        for (String body : bodies) {
            aliceWrites("svc@proxy.localhost", body);
        }
        String r = oneResource(takeBotMessages(5), encoded, bodies);

        bots.get(r).sendMessage(jid(encoded), "pong");
        Message reply = aliceReceives();
        assertEquals("svc@proxy.localhost", String.valueOf(reply.getFrom()), () -> "from the address alice used: " + reply.toXML());
        assertEquals("alice@localhost/phone", String.valueOf(reply.getTo()));
        assertEquals("pong", reply.getBody());
        assertEquals(Message.Type.chat, reply.getType());

        // The conversation goes on with the same resource.
        aliceWrites("svc@proxy.localhost", "m6");
        assertEquals(r, oneResource(takeBotMessages(1), encoded, List.of("m6")));
        assertEquals(6, proxy.core().counters().get(Counter.MESSAGES_TO_TARGET));
        assertEquals(1, proxy.core().counters().get(Counter.MESSAGES_TO_SENDERS));
    }

    @Test
    void whenTheResourceLeavesTheConversationMovesAndComesBackWithIt() throws Exception {
        StandaloneProxy proxy = start(true);
        aliceWrites(COMPONENT, "first");
        Map<String, List<Message>> first = takeBotMessages(1);
        String encoded = String.valueOf(first.values().iterator().next().get(0).getFrom());
        String r = oneResource(first, encoded, List.of("first"));
        FeatureBot home = bots.get(r);
        try {
            home.unavailable();
            await(() -> proxy.core().resources().size() == 2, proxy::summary);
            aliceWrites(COMPONENT, "while away 1");
            aliceWrites(COMPONENT, "while away 2");
            String other = oneResource(takeBotMessages(2), encoded, List.of("while away 1", "while away 2"));
            assertNotEquals(r, other);

            home.available(0);
            await(() -> proxy.core().resources().size() == 3, proxy::summary);
            aliceWrites(COMPONENT, "back");
            assertEquals(r, oneResource(takeBotMessages(1), encoded, List.of("back")), "back with its resource");
        } finally {
            home.available(0);
            await(() -> proxy.core().resources().size() == 3, proxy::summary);
        }
    }

    @Test
    void aSendersErrorBounceGoesToTheResourceThatWrote() throws Exception {
        StandaloneProxy proxy = start(true);
        aliceWrites(COMPONENT, "hello");
        Map<String, List<Message>> first = takeBotMessages(1);
        String encoded = String.valueOf(first.values().iterator().next().get(0).getFrom());
        String r = oneResource(first, encoded, List.of("hello"));
        // Another resource than the conversation's writes to alice; alice's client bounces it.
        FeatureBot writer = bots.get(r.equals("a") ? "b" : "a");
        writer.sendMessage(jid(encoded), "do you want news?");
        Message got = aliceReceives();
        assertEquals(COMPONENT, String.valueOf(got.getFrom()));
        alice.connection.sendStanza(alice.connection.getStanzaFactory().buildMessageStanza()
                .to(got.getFrom()).ofType(Message.Type.error)
                .setError(StanzaError.getBuilder(StanzaError.Condition.not_acceptable).build()).build());

        Message bounce = botReceives(writer);
        assertEquals(Message.Type.error, bounce.getType(), () -> bounce.toXML().toString());
        assertEquals(encoded, String.valueOf(bounce.getFrom()), () -> "from alice's token: " + bounce.toXML());
        assertEquals(StanzaError.Condition.not_acceptable, bounce.getError().getCondition());
        assertEquals(1, proxy.core().counters().get(Counter.MESSAGE_BOUNCES));
        assertEquals(0, bots.get(r).messages.size(), "not to the conversation's resource");
    }

    @Test
    void theTargetsErrorMessageReachesTheSenderFromTheAddressSheUsed() throws Exception {
        start(true);
        aliceWrites("svc@proxy.localhost", "spam?");
        Map<String, List<Message>> got = takeBotMessages(1);
        Message m = got.values().iterator().next().get(0);
        FeatureBot r = bots.get(oneResource(got, String.valueOf(m.getFrom()), List.of("spam?")));
        r.connection.sendStanza(r.connection.getStanzaFactory().buildMessageStanza()
                .to(m.getFrom()).ofType(Message.Type.error)
                .setError(StanzaError.getBuilder(StanzaError.Condition.not_allowed).build()).build());
        Message e = aliceReceives();
        assertEquals(Message.Type.error, e.getType(), () -> e.toXML().toString());
        assertEquals("svc@proxy.localhost", String.valueOf(e.getFrom()), () -> e.toXML().toString());
        assertEquals(StanzaError.Condition.not_allowed, e.getError().getCondition(), "the target's condition kept");
    }

    @Test
    void aConversationKeepsItsMappingFromExpiring() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("messages", "true").set("jat-idle-timeout", "PT1S"), 3);
        aliceWrites(COMPONENT, "c0");
        Map<String, List<Message>> first = takeBotMessages(1);
        String encoded = String.valueOf(first.values().iterator().next().get(0).getFrom());
        FeatureBot r = bots.get(oneResource(first, encoded, List.of("c0")));
        // Two seconds of conversation, twice the idle timeout: alice writes every quarter second.
        long end = System.nanoTime() + 2_000_000_000L;
        int n = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(250);
            aliceWrites(COMPONENT, "c" + ++n);
            takeBotMessages(1);
        }
        assertEquals(0, proxy.core().counters().get(Counter.MAPPINGS_EXPIRED), proxy::summary);
        r.sendMessage(jid(encoded), "still with you");
        assertEquals("still with you", aliceReceives().getBody());

        // Once alice stops, the mapping expires and the token maps nobody.
        await(() -> proxy.core().counters().get(Counter.MAPPINGS_EXPIRED) == 1, proxy::summary);
        r.sendMessage(jid(encoded), "hello?");
        Message e = botReceives(r);
        assertEquals(Message.Type.error, e.getType(), () -> e.toXML().toString());
        assertCondition(e.getError(), StanzaError.Condition.item_not_found, StanzaError.Type.CANCEL);
    }

    @Test
    void aMessageToATokenThatMapsNobodyGetsItemNotFound() throws Exception {
        start(true);
        FeatureBot bot = bots.get("a");
        for (String to : List.of("proxy.localhost/unknowntoken", "proxy.localhost/AAAAAAAAAAAAAAAAAAAAAAA")) {
            bot.sendMessage(jid(to), "anyone?");
            Message e = botReceives(bot);
            assertEquals(Message.Type.error, e.getType(), () -> e.toXML().toString());
            assertEquals(to, String.valueOf(e.getFrom()), () -> e.toXML().toString());
            assertCondition(e.getError(), StanzaError.Condition.item_not_found, StanzaError.Type.CANCEL);
        }
        assertEquals(0, alice.messages.size());
    }

    @Test
    void withNoResourceOnlineASenderGetsServiceUnavailable() throws Exception {
        StandaloneProxy proxy = start(true);
        try {
            for (FeatureBot b : bots.values()) {
                b.unavailable();
            }
            await(() -> proxy.core().resources().size() == 0, proxy::summary);
            aliceWrites("svc@proxy.localhost", "anybody there?");
            Message e = aliceReceives();
            assertEquals(Message.Type.error, e.getType(), () -> e.toXML().toString());
            assertEquals("svc@proxy.localhost", String.valueOf(e.getFrom()), () -> e.toXML().toString());
            assertCondition(e.getError(), StanzaError.Condition.service_unavailable, StanzaError.Type.CANCEL);
        } finally {
            for (FeatureBot b : bots.values()) {
                b.available(0);
            }
            await(() -> proxy.core().resources().size() == 3, proxy::summary);
        }
    }

    @Test
    void withTheOptionOffMessagesGetFeatureNotImplemented() throws Exception {
        StandaloneProxy proxy = start(false);
        FeatureIq answer = ask(alice.connection, COMPONENT, "map me");
        String encoded = seenFrom(answer);

        aliceWrites("svc@proxy.localhost", "hello?");
        Message e = aliceReceives();
        assertEquals(Message.Type.error, e.getType(), () -> e.toXML().toString());
        assertEquals("svc@proxy.localhost", String.valueOf(e.getFrom()), () -> e.toXML().toString());
        assertCondition(e.getError(), StanzaError.Condition.feature_not_implemented, StanzaError.Type.CANCEL);

        // Nor can the target write to a sender.
        FeatureBot bot = bots.get(resourceOf(answer));
        bot.sendMessage(jid(encoded), "news");
        Message back = botReceives(bot);
        assertEquals(Message.Type.error, back.getType(), () -> back.toXML().toString());
        assertEquals(encoded, String.valueOf(back.getFrom()), () -> back.toXML().toString());
        assertCondition(back.getError(), StanzaError.Condition.feature_not_implemented, StanzaError.Type.CANCEL);

        assertEquals(0, proxy.core().counters().get(Counter.MESSAGES_TO_TARGET));
        assertEquals(0, proxy.core().counters().get(Counter.MESSAGES_TO_SENDERS));
        assertEquals(0, botMessages(), "no message reached the bot");
        assertTrue(alice.messages.isEmpty(), "nor alice");
    }
}
