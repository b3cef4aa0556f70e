package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * README "Messages" with message carbons (XEP-0280): Prosody with {@code mod_carbons}, both of the
 * bot's resources have carbons enabled. A message the proxy delivers to one resource carries
 * {@code <private xmlns='urn:xmpp:carbons:2'/>} and {@code <no-copy xmlns='urn:xmpp:hints'/>}, so
 * Prosody makes no carbon copy for the other resource: each message arrives exactly once at the
 * whole bot. Without the hints Prosody copies each one to the other resource, wrapped in
 * {@code <received xmlns='urn:xmpp:carbons:2'/>}.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class CarbonsIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";
    static final String CARBONS = "urn:xmpp:carbons:2";

    static final Map<String, FeatureBot> bots = new TreeMap<>();
    static final List<FeatureSender> senders = new ArrayList<>();
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(b -> b.module("carbons"), List.of(COMPONENT), "bot", "alice", "bob");
        for (String r : List.of("a", "b")) {
            FeatureBot bot = FeatureFixture.bot("bot", r, 0);
            bots.put(r, bot);
            closeables.add(bot);
            enableCarbons(bot);
        }
        for (String user : List.of("alice", "bob")) {
            FeatureSender s = FeatureSender.connect(user, "phone");
            senders.add(s);
            closeables.add(s);
        }
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    /** XEP-0280 section 4: {@code <iq type='set'><enable xmlns='urn:xmpp:carbons:2'/></iq>} to the account's server; a result. */
    private static void enableCarbons(FeatureBot bot) throws Exception {
        IQ enable = new IQ("enable", CARBONS) {
            @Override
            protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                xml.setEmptyElement();
                return xml;
            }
        };
        enable.setType(IQ.Type.set);
        IQ reply = bot.connection.createStanzaCollectorAndSend(enable).nextResultOrThrow();
        assertEquals(IQ.Type.result, reply.getType(), () -> "carbons enabled at " + bot.resource + ": " + reply.toXML());
    }

    private static int botMessages() {
        return bots.values().stream().mapToInt(b -> b.messages.size()).sum();
    }

    @Test
    void aMessageThroughTheProxyReachesOneResourceAndNoCarbonCopyTheOther() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("messages", "true"), 2);
        try {
            int perSender = 5;
            for (int i = 0; i < perSender; i++) {
                for (FeatureSender s : senders) {
                    s.connection.sendStanza(s.connection.getStanzaFactory().buildMessageStanza()
                            .to(jid(COMPONENT)).ofType(Message.Type.chat).setBody(s.connection.getUser().getLocalpart() + " " + i)
                            .build());
                }
            }
            int sent = perSender * senders.size();
            await(() -> botMessages() >= sent, () -> sent + " messages at the bot, have " + botMessages());
            // A carbon copy is written when the original is delivered; a round trip to the server on
            // each resource's stream afterwards shows whatever Prosody had sent it before.
            for (FeatureBot bot : bots.values()) {
                assertTrue(PingManager.getInstanceFor(bot.connection).pingMyServer(), "ping " + bot.resource);
            }
            Map<String, List<String>> bodiesByResource = new TreeMap<>();
            for (FeatureBot bot : bots.values()) {
                List<Message> got = new ArrayList<>();
                bot.messages.drainTo(got);
                for (Message m : got) {
                    assertNull(m.getExtensionElement("received", CARBONS), () -> "a carbon copy at " + bot.resource + ": " + m.toXML());
                    assertNull(m.getExtensionElement("sent", CARBONS), () -> "a carbon copy at " + bot.resource + ": " + m.toXML());
                    assertEquals(TARGET + "/" + bot.resource, String.valueOf(m.getTo()));
                    bodiesByResource.computeIfAbsent(bot.resource, k -> new ArrayList<>()).add(m.getBody());
                }
            }
            List<String> all = new ArrayList<>();
            bodiesByResource.values().forEach(all::addAll);
            assertEquals(sent, all.size(), () -> "each message exactly once: " + bodiesByResource);
            assertEquals(sent, all.stream().distinct().count(), () -> "no message twice: " + bodiesByResource);
            assertEquals(sent, proxy.core().counters().get(Counter.MESSAGES_TO_TARGET));
        } finally {
            bots.values().forEach(b -> b.messages.clear());
        }
    }
}
