package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code disco} option (README Options): alice runs Smack's service discovery against
 * {@code proxy.localhost}. The bot's resources answer disco#info themselves (Smack) with identity
 * {@code client/bot "FeatureBot <resource>"} and feature {@code urn:example:featurebot}; the
 * component's own answer has the configured identity and features.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class DiscoIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";

    static final List<FeatureBot> bots = new ArrayList<>();
    static XMPPTCPConnection alice;
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
        for (String r : List.of("a", "b")) {
            FeatureBot bot = FeatureFixture.bot("bot", r, 0);
            bots.add(bot);
            closeables.add(bot);
        }
        alice = FeatureFixture.user("alice", "phone");
        closeables.add(alice);
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @AfterEach
    void stopProxy() {
        FeatureFixture.closeProxies();
    }

    private static DiscoverInfo info() throws Exception {
        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(alice).discoverInfo(jid(COMPONENT));
        assertEquals(COMPONENT, String.valueOf(info.getFrom()), "answered from the component's address");
        return info;
    }

    private static Set<String> features(DiscoverInfo info) {
        Set<String> out = new TreeSet<>();
        info.getFeatures().forEach(f -> out.add(f.getVar()));
        return out;
    }

    private static List<String> identities(DiscoverInfo info) {
        List<String> out = new ArrayList<>();
        info.getIdentities().forEach(i -> out.add(i.getCategory() + "/" + i.getType() + "/" + i.getName()));
        return out;
    }

    /** The bot's own answer, from one of its resources. */
    private static void assertBotsAnswer(DiscoverInfo info) {
        List<String> ids = identities(info);
        assertTrue(ids.equals(List.of("client/bot/" + FeatureBot.identityName("a")))
                || ids.equals(List.of("client/bot/" + FeatureBot.identityName("b"))), "the bot's identity: " + ids);
        assertTrue(features(info).contains(FeatureBot.FEATURE), "the bot's feature: " + features(info));
    }

    @Test
    void forwardShowsTheTargetsOwnAnswer() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET).set("disco", "forward"), 2);
        assertBotsAnswer(info());
        assertEquals(0, proxy.core().counters().get(Counter.DISCO_ANSWERED));
        assertEquals(1, proxy.core().counters().get(Counter.REPLIES_DELIVERED), "a forwarded request like any other");
    }

    @Test
    void localAnswersWithTheConfiguredIdentityAndFeatures() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("disco", "local")
                .set("disco-category", "automation")
                .set("disco-type", "rpc")
                .set("disco-name", "Weather service")
                .set("disco-features", "urn:example:weather, urn:example:forecast"), 2);
        DiscoverInfo info = info();
        assertEquals(List.of("automation/rpc/Weather service"), identities(info));
        assertEquals(Set.of(DISCO_INFO, "urn:example:weather", "urn:example:forecast"), features(info));

        DiscoverItems items = ServiceDiscoveryManager.getInstanceFor(alice).discoverItems(jid(COMPONENT));
        assertEquals(COMPONENT, String.valueOf(items.getFrom()));
        assertTrue(items.getItems().isEmpty(), "no items: " + items.toXML());
        assertEquals(2, proxy.core().counters().get(Counter.DISCO_ANSWERED));
        assertEquals(0, proxy.core().counters().get(Counter.REQUESTS_FORWARDED), "the target was not asked");
    }

    @Test
    void fallbackAsksTheTargetWhileItIsOnlineAndAnswersItselfOtherwise() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("disco", "fallback").set("disco-features", "urn:example:weather"), 2);
        assertBotsAnswer(info());
        try {
            for (FeatureBot b : bots) {
                b.unavailable();
            }
            await(() -> proxy.core().resources().size() == 0, proxy::summary);
            DiscoverInfo local = info();
            assertEquals(List.of("component/generic/Client proxy"), identities(local), "the default local identity");
            assertEquals(Set.of(DISCO_INFO, "urn:example:weather"), features(local));
            assertEquals(1, proxy.core().counters().get(Counter.DISCO_ANSWERED));
        } finally {
            for (FeatureBot b : bots) {
                b.available(0);
            }
            await(() -> proxy.core().resources().size() == 2, proxy::summary);
        }
        assertBotsAnswer(info());
        assertEquals(1, proxy.core().counters().get(Counter.DISCO_ANSWERED));
        assertEquals(2, proxy.core().counters().get(Counter.REPLIES_DELIVERED));
    }
}
