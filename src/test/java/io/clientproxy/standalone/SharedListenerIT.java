package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.e2e.EjabberdServer;
import io.clientproxy.e2e.XmppClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Two standalone proxies on one ejabberd {@code ejabberd_service} listener:
 * {@code proxy.localhost -> bot@localhost} and {@code weather.localhost -> weather@localhost}.
 * With {@code global_routes: false} (README) each answers only its own senders; with ejabberd's
 * default, the listener hands each connection the other's traffic too, and the proxies drop it
 * rather than answer from the wrong bot.
 */
@Timeout(120)
class SharedListenerIT {
    static final String PROXY = "proxy.localhost";
    static final String WEATHER = "weather.localhost";
    static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EjabberdServer ejabberd;
    private StandaloneProxy proxy;
    private StandaloneProxy weather;
    private XMPPTCPConnection alice;

    @AfterEach
    void stop() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private void start(boolean globalRoutes) throws Exception {
        ejabberd = EjabberdServer.builder().domain("localhost").component(PROXY, "p-secret")
                .component(WEATHER, "w-secret").globalRoutes(globalRoutes).start();
        closeables.add(ejabberd);
        for (String user : List.of("bot", "weather", "alice")) {
            ejabberd.register(user, user + "-pw");
        }
        closeables.add(EchoBot.connect(ejabberd, "bot", "bot-pw", "b1"));
        closeables.add(EchoBot.connect(ejabberd, "weather", "weather-pw", "w1"));
        alice = XmppClients.connect(ejabberd, "alice", "alice-pw", "phone", 0);
        closeables.add(alice::disconnect);
        proxy = proxy(PROXY, "p-secret", "bot@localhost");
        weather = proxy(WEATHER, "w-secret", "weather@localhost");
    }

    private StandaloneProxy proxy(String domain, String secret, String target) throws Exception {
        StandaloneProxy p = StandaloneProxy.start(StandaloneSettings.builder()
                .server(ejabberd.host(), ejabberd.componentPort())
                .component(domain, secret)
                .target(target)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .statsInterval(Duration.ZERO)
                .build());
        closeables.add(p);
        assertTrue(p.awaitConnected(WAIT), domain + " connected");
        return p;
    }

    private static EchoIq request(String to, String text) throws Exception {
        EchoIq iq = new EchoIq(text);
        iq.setType(IQ.Type.get);
        iq.setTo(JidCreate.domainBareFrom(to));
        return iq;
    }

    @Test
    void withGlobalRoutesOffEachProxyAnswersOnlyItsOwnSenders() throws Exception {
        start(false);
        assertTrue(proxy.awaitOnlineResources(1, WAIT), "proxy learnt bot's resource: " + proxy.summary());
        assertTrue(weather.awaitOnlineResources(1, WAIT), "weather learnt weather's resource: " + weather.summary());
        for (int i = 0; i < 20; i++) {
            String to = i % 2 == 0 ? PROXY : WEATHER;
            IQ reply = alice.createStanzaCollectorAndSend(request(to, "r" + i)).nextResultOrThrow(WAIT.toMillis());
            String text = ((EchoIq) reply).text();
            assertEquals(to, reply.getFrom().toString());
            assertTrue(text.startsWith("r" + i + " from " + to + "/") && text.endsWith(to.equals(PROXY) ? " at b1" : " at w1"),
                    "answered by the right bot: " + text);
        }
        assertEquals(0, proxy.counters().get(StandaloneCounter.DROPPED_FOREIGN_DOMAIN));
        assertEquals(0, weather.counters().get(StandaloneCounter.DROPPED_FOREIGN_DOMAIN));
    }

    @Test
    void withEjabberdsDefaultNoProxyActsOnTheOthersTraffic() throws Exception {
        start(true);
        // Whatever ejabberd routes where, an answer may only come from the right bot.
        int answered = 0;
        for (int i = 0; i < 20; i++) {
            String to = i % 2 == 0 ? PROXY : WEATHER;
            StanzaCollector c = alice.createStanzaCollectorAndSend(request(to, "d" + i));
            Stanza reply = c.nextResult(2000);
            c.cancel();
            if (reply instanceof EchoIq echo) {
                assertEquals(to, reply.getFrom().toString());
                assertTrue(echo.text().endsWith(to.equals(PROXY) ? " at b1" : " at w1"), "never the wrong bot: " + echo.text());
                answered++;
            }
        }
        long foreign = proxy.counters().get(StandaloneCounter.DROPPED_FOREIGN_DOMAIN)
                + weather.counters().get(StandaloneCounter.DROPPED_FOREIGN_DOMAIN);
        assertTrue(foreign > 0, "the cross-talk reached a proxy and was dropped: " + proxy.summary() + " / " + weather.summary());
        System.out.println("ejabberd default global_routes: " + answered + " of 20 answered, " + foreign + " foreign stanzas dropped");
    }
}
