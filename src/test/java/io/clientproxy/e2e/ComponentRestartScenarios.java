package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.COMPONENT;
import static io.clientproxy.e2e.ProxyFixture.ask;
import static io.clientproxy.e2e.ProxyFixture.assertError;
import static io.clientproxy.e2e.ProxyFixture.assertResult;
import static io.clientproxy.e2e.ProxyFixture.get;
import static io.clientproxy.e2e.ProxyFixture.reply;
import static io.clientproxy.e2e.ProxyFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.core.DropReason;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.Set;
import java.util.TreeSet;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The component restarts while the target stays online: the old proxy answers what is pending
 * as it stops; the new one, on the same component, subscribes, gets {@code subscribed} at once
 * (the subscription exists), probes, finds both resources again and serves. Run on each server
 * by the {@code @Nested} classes of {@link ProsodyEndToEndIT} and {@link EjabberdEndToEndIT}.
 */
@Timeout(60)
abstract class ComponentRestartScenarios {

    abstract ProxyFixture fx();

    @Test
    void aRestartedComponentFindsBothResourcesAgainAndServes() throws Exception {
        fx().botsAndProxy();
        XMPPTCPConnection alice = fx().user("alice");
        ProxyFixture.roundTrip(alice, COMPONENT);

        EchoIq held = get(EchoBot.HOLD + ":across the restart", COMPONENT + "/before");
        StanzaCollector pending = send(alice, held);
        EchoBot holder = fx().awaitHolder(held);
        EchoIq heldAtBot = holder.held.poll();
        fx().stopProxy();
        StanzaError error = assertError(reply(pending), held, alice,
                StanzaError.Condition.service_unavailable, StanzaError.Type.WAIT);
        assertTrue(error.getDescriptiveText().contains("shutting down"), error.getDescriptiveText());

        // Round-robin, so that ten requests show both resources serve.
        long t0 = System.nanoTime();
        StandaloneProxy second = fx().startProxy(s -> s.set("balancer", "round-robin"));
        ProxyFixture.await(() -> "subscribed again: " + second.summary(), second.core()::isSubscribed);
        long subscribedAfter = (System.nanoTime() - t0) / 1_000_000;
        // resubscribe-min is 30 s: this quick, it can only be the server's immediate answer.
        assertTrue(subscribedAfter < 3000, "subscribed at once, after " + subscribedAfter + " ms");
        fx().awaitOnlineResources(2);
        assertEquals(1, second.core().counters().get(Counter.SUBSCRIBES_SENT));
        assertEquals(1, second.core().counters().get(Counter.PROBES_SENT));
        assertEquals(2, second.core().counters().get(Counter.RESOURCES_ONLINE_EVENTS));

        Set<String> answeredAt = new TreeSet<>();
        for (int i = 0; i < 10; i++) {
            EchoIq request = get("after-" + i, i % 2 == 0 ? COMPONENT : COMPONENT + "/after");
            EchoIq answer = assertResult(ask(alice, request), request, alice);
            assertTrue(answer.text().startsWith("after-" + i + " from " + COMPONENT + "/"), answer.text());
            answeredAt.add(answer.text().substring(answer.text().lastIndexOf(' ') + 1));
        }
        assertEquals(Set.of("a", "b"), answeredAt, "both resources serve the new proxy");
        assertEquals(10, second.core().counters().get(Counter.REPLIES_DELIVERED));
        assertEquals(0, second.core().counters().get(Counter.ERRORS_SENT));

        // The bot answers the request the old proxy held, at the old token: unknown to the new one.
        ProxyFixture.Inbox inbox = ProxyFixture.inbox(alice);
        holder.answer(heldAtBot);
        fx().awaitDropped(DropReason.UNKNOWN_TOKEN, 1);
        inbox.roundTrip(COMPONENT);
        assertEquals(1, inbox.all().size(), () -> "only the round trip: " + inbox.all());
    }
}
