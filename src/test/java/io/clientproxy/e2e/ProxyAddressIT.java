package io.clientproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.standalone.EchoIq;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy-address} in standalone mode (README Options): the component connects as
 * {@value ProxyFixture#COMPONENT} but faces the target as {@code svc@proxy.localhost}, an address
 * Prosody routes to the same component. The subscription, the presence and the requests the bot
 * sees all use that address; senders still get their answers from the address they used.
 */
@Timeout(60)
class ProxyAddressIT {
    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.prosody();

    private static final String ADDRESS = "svc@" + ProxyFixture.COMPONENT;

    @Test
    void theTargetSeesTheProxyAddressAndSendersTheComponent() throws Exception {
        // botsAndProxy waits until the proxy sees both resources: the bot approved a subscription
        // from the proxy-address and its presence reached the proxy there.
        FX.botsAndProxy(s -> s.set("proxy-address", ADDRESS));
        XMPPTCPConnection alice = FX.user("alice");

        EchoIq request = ProxyFixture.get("hello", ProxyFixture.COMPONENT);
        EchoIq answer = ProxyFixture.assertResult(ProxyFixture.ask(alice, request), request, alice);

        assertEquals(ProxyFixture.COMPONENT, answer.getFrom().toString());
        assertTrue(answer.text().startsWith("hello from " + ADDRESS + "/"), answer.text());
        String seen = FX.bot("a").seenFrom.isEmpty() ? FX.bot("b").seenFrom.get(0) : FX.bot("a").seenFrom.get(0);
        assertTrue(seen.startsWith(ADDRESS + "/"), "the bot saw the request from " + seen);
    }
}
