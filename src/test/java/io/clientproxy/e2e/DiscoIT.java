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
    static ProsodyServer prosody;
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // admin_shell: the test sends the server's own query (from 'localhost') through Prosody's shell.
        prosody = FeatureFixture.startProsody(b -> b.module("admin_shell"), List.of(COMPONENT), "bot", "alice");
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

    /**
     * The default ({@code fallback}), the bot offline: a disco#info sent as soon as the proxy's
     * stream is up gets the component's identity, and disco#items an empty list, not
     * {@code service-unavailable}.
     */
    @Test
    void byDefaultAQueryTheMomentTheStreamIsUpGetsAnIdentity() throws Exception {
        for (FeatureBot b : bots) {
            b.unavailable();
        }
        try {
            StandaloneProxy proxy = StandaloneProxy.start(FeatureFixture.settings(COMPONENT, TARGET).build());
            FeatureFixture.register(proxy);
            assertTrue(proxy.awaitConnected(FeatureFixture.WAIT), proxy::summary);
            DiscoverInfo local = info();
            assertEquals(List.of("component/generic/Client proxy"), identities(local), "the component's own identity");
            assertEquals(Set.of(DISCO_INFO), features(local));
            DiscoverItems items = ServiceDiscoveryManager.getInstanceFor(alice).discoverItems(jid(COMPONENT));
            assertTrue(items.getItems().isEmpty(), items.toXML().toString());
            assertEquals(2, proxy.core().counters().get(Counter.DISCO_ANSWERED));
        } finally {
            for (FeatureBot b : bots) {
                b.available(0);
            }
        }
    }

    /**
     * The server's own query: Prosody sends disco#info from its host {@code localhost} (through
     * its admin shell) to a proxy whose {@code allowed-senders} does not list it, with the bots
     * online and {@code disco = forward}: the component answers it with its identity (Prosody
     * receives the result), instead of {@code forbidden}, and the bots never see it.
     */
    @Test
    void theServersOwnQueryIsAnsweredDespiteAllowedSenders() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("disco", "forward").set("allowed-senders", "example.org"), 2);
        String id = "server-disco-" + System.nanoTime();
        prosody.prosodyctl("shell", ">local st = require 'util.stanza'; local h = prosody.hosts['localhost']; "
                + "local keep = function(e) prosody.clientproxy_test = tostring(e.stanza); return true; end; "
                + "h.events.add_handler('iq-result/host/" + id + "', keep); h.events.add_handler('iq-error/host/" + id + "', keep); "
                + "prosody.core_post_stanza(h, st.iq({ type = 'get', from = 'localhost', to = '" + COMPONENT + "', id = '" + id + "' })"
                + ":query('" + DISCO_INFO + "')); return 'sent'");
        String[] answer = new String[1];
        await(() -> {
            String out = prosody.prosodyctl("shell", ">return prosody.clientproxy_test or 'none'");
            answer[0] = out;
            return out.contains("<iq");
        }, () -> "Prosody received no answer: " + answer[0] + " " + proxy.summary());
        assertTrue(answer[0].contains("type='result'"), answer[0]);
        assertTrue(answer[0].contains("from='" + COMPONENT + "'"), answer[0]);
        assertTrue(answer[0].contains("<identity") && answer[0].contains("category='component'"), answer[0]);
        assertEquals(1, proxy.core().counters().get(Counter.DISCO_ANSWERED));
        assertEquals(0, proxy.core().counters().get(Counter.REQUESTS_FORWARDED), "the bots never see it");
        // A user's query still meets allowed-senders.
        org.jivesoftware.smack.XMPPException.XMPPErrorException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.jivesoftware.smack.XMPPException.XMPPErrorException.class, DiscoIT::info);
        assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.forbidden, e.getStanzaError().getCondition());
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
