package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.answer;
import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.askError;
import static io.clientproxy.e2e.FeatureFixture.assertCondition;
import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.get;
import static io.clientproxy.e2e.FeatureFixture.reply;
import static io.clientproxy.e2e.FeatureFixture.resourceOf;
import static io.clientproxy.e2e.FeatureFixture.seenFrom;
import static io.clientproxy.e2e.FeatureFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two proxies side by side in one Prosody: {@code proxy.localhost -> bot@localhost} (opaque, bot
 * resources a and b) and {@code weather.localhost -> weather@localhost} (transparent, resources w1
 * and w2), each a StandaloneProxy of its own. Alice and bob use both at once.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class MultiProxyIT {
    static final String PROXY = "proxy.localhost";
    static final String WEATHER = "weather.localhost";

    static final List<FeatureBot> botResources = new ArrayList<>();
    static final List<FeatureBot> weatherResources = new ArrayList<>();
    static XMPPTCPConnection alice;
    static XMPPTCPConnection bob;
    static StandaloneProxy proxy;
    static StandaloneProxy weather;
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(PROXY, WEATHER), "bot", "weather", "alice", "bob");
        for (String r : List.of("a", "b")) {
            botResources.add(FeatureFixture.bot("bot", r, 0));
        }
        for (String r : List.of("w1", "w2")) {
            weatherResources.add(FeatureFixture.bot("weather", r, 0));
        }
        closeables.addAll(botResources);
        closeables.addAll(weatherResources);
        alice = FeatureFixture.user("alice", "phone");
        bob = FeatureFixture.user("bob", "desk");
        closeables.addAll(List.of(alice, bob));
        proxy = FeatureFixture.startProxy(FeatureFixture.settings(PROXY, "bot@localhost"), 2);
        weather = FeatureFixture.startProxy(FeatureFixture.settings(WEATHER, "weather@localhost")
                .set("jat-mode", "transparent"), 2);
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @Test
    void eachProxyServesOnlyItsOwnTargetAtTheSameTime() throws Exception {
        assertEquals(Map.of("a", 0, "b", 0), FeatureFixture.resources(proxy));
        assertEquals(Map.of("w1", 0, "w2", 0), FeatureFixture.resources(weather));
        for (var r : proxy.core().resources().snapshot()) {
            assertEquals("bot@localhost", r.jid().bare());
        }
        for (var r : weather.core().resources().snapshot()) {
            assertEquals("weather@localhost", r.jid().bare());
        }
        long proxyBefore = proxy.core().counters().get(Counter.REQUESTS_FORWARDED);
        long weatherBefore = weather.core().counters().get(Counter.REQUESTS_FORWARDED);

        // All requests in flight together, interleaved: 2 senders x 2 components x 20.
        List<StanzaCollector> toProxy = new ArrayList<>();
        List<StanzaCollector> toWeather = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (XMPPTCPConnection sender : List.of(alice, bob)) {
                toProxy.add(send(sender, get(PROXY, "p" + i)));
                toWeather.add(send(sender, get(WEATHER, "w" + i)));
            }
        }
        for (int i = 0; i < toProxy.size(); i++) {
            FeatureIq a = answer(reply(toProxy.get(i)), PROXY);
            assertTrue(seenFrom(a).matches("proxy\\.localhost/" + ForwardingScenarios.TOKEN.pattern()), a.text());
            assertTrue(Set.of("a", "b").contains(resourceOf(a)), "answered by bot: " + a.text());
        }
        for (int i = 0; i < toWeather.size(); i++) {
            FeatureIq w = answer(reply(toWeather.get(i)), WEATHER);
            String sender = i % 2 == 0 ? "alice@localhost/phone" : "bob@localhost/desk";
            assertEquals(WEATHER + "/" + sender, seenFrom(w), "transparent: the sender's full JID");
            assertTrue(Set.of("w1", "w2").contains(resourceOf(w)), "answered by weather: " + w.text());
        }
        for (FeatureBot b : botResources) {
            b.requests.forEach(r -> assertTrue(r.from().startsWith(PROXY + "/"), "bot is asked only via proxy: " + r));
        }
        for (FeatureBot w : weatherResources) {
            w.requests.forEach(r -> assertTrue(r.from().startsWith(WEATHER + "/"), "weather only via weather: " + r));
        }
        assertEquals(40, proxy.core().counters().get(Counter.REQUESTS_FORWARDED) - proxyBefore);
        assertEquals(40, weather.core().counters().get(Counter.REQUESTS_FORWARDED) - weatherBefore);
    }

    @Test
    void theTargetOfOneProxyIsAnOrdinarySenderToTheOther() throws Exception {
        XMPPTCPConnection botA = botResources.get(0).connection;
        FeatureIq w = ask(botA, WEATHER, "rain?");
        assertEquals(WEATHER + "/bot@localhost/a", seenFrom(w));
        assertTrue(resourceOf(w).startsWith("w"), w.text());
        // To its own proxy, the target is no sender.
        assertCondition(askError(botA, PROXY, "me?"), StanzaError.Condition.service_unavailable, StanzaError.Type.CANCEL);
    }

    @Test
    void oneTargetGoingOfflineLeavesTheOtherProxyServing() throws Exception {
        try {
            for (FeatureBot w : weatherResources) {
                w.unavailable();
            }
            await(() -> weather.core().resources().size() == 0, weather::summary);
            assertCondition(askError(alice, WEATHER, "sun?"), StanzaError.Condition.service_unavailable,
                    StanzaError.Type.CANCEL);
            assertEquals(2, proxy.core().resources().size(), "the other proxy still sees its resources");
            assertTrue(Set.of("a", "b").contains(resourceOf(ask(alice, PROXY, "still?"))));
        } finally {
            for (FeatureBot w : weatherResources) {
                w.available(0);
            }
            await(() -> weather.core().resources().size() == 2, weather::summary);
        }
        assertTrue(resourceOf(ask(alice, WEATHER, "sun now?")).startsWith("w"));
    }
}
