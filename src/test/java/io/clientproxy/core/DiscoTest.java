package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disco option: forward, local, fallback (the default); the server's own queries. */
class DiscoTest {
    private static final DiscoInfo INFO = new DiscoInfo("automation", "rpc", "Echo service", List.of("urn:example:echo"));

    private static CoreFixture with(DiscoMode mode) {
        return new CoreFixture(b -> b.disco(mode).discoInfo(INFO));
    }

    private static Sent disco(CoreFixture f, String ns) {
        f.core.onIq("disco", new Iq(ALICE, COMPONENT, "d1", "get", 1, ns, null));
        return f.out.one();
    }

    @Test
    void forwardSendsDiscoToTheTarget() {
        CoreFixture f = with(DiscoMode.FORWARD).online("a");
        Sent s = disco(f, DiscoInfo.INFO_NS);
        assertEquals(Kind.FORWARD, s.kind());
        assertEquals(res("a"), s.to());
        f.core.onIq("disco", new Iq(ALICE, COMPONENT, "d2", "get", 1, DiscoInfo.INFO_NS, null));
        f.out.take();
        f.offline("a");
        f.out.take();
        assertEquals(Condition.SERVICE_UNAVAILABLE, disco(f, DiscoInfo.INFO_NS).error().condition());
    }

    @Test
    void localAnswersWithTheConfiguredIdentityAndEmptyItems() {
        CoreFixture f = with(DiscoMode.LOCAL).online("a");
        Sent info = disco(f, DiscoInfo.INFO_NS);
        assertEquals(Kind.RESULT, info.kind());
        assertEquals(COMPONENT, info.from());
        assertEquals(ALICE, info.to());
        assertEquals("<query xmlns='" + DiscoInfo.INFO_NS + "'><identity category='automation' type='rpc' name='Echo service'/>"
                + "<feature var='" + DiscoInfo.INFO_NS + "'/><feature var='urn:example:echo'/></query>", info.presenceType());
        Sent items = disco(f, DiscoInfo.ITEMS_NS);
        assertEquals(Kind.RESULT, items.kind());
        assertEquals("<query xmlns='" + DiscoInfo.ITEMS_NS + "'/>", items.presenceType());
        assertEquals(0, f.core.pendingCount());
        assertEquals(2, f.core.counters().get(Counter.DISCO_ANSWERED));
        f.core.onIq("set", new Iq(ALICE, COMPONENT, "s", "set", 1, DiscoInfo.INFO_NS, null));
        assertEquals(Kind.FORWARD, f.out.one().kind(), "only gets are disco queries");
        f.core.onIq("other", new Iq(ALICE, COMPONENT, "o", "get", 1, "urn:example:echo", null));
        assertEquals(Kind.FORWARD, f.out.one().kind(), "other namespaces go to the target");
    }

    @Test
    void fallbackForwardsWhileOnlineAndAnswersLocallyOtherwise() {
        CoreFixture f = with(DiscoMode.FALLBACK);
        assertEquals(Kind.RESULT, disco(f, DiscoInfo.INFO_NS).kind());
        f.online("a");
        assertEquals(Kind.FORWARD, disco(f, DiscoInfo.INFO_NS).kind());
        f.offline("a");
        f.out.take();
        assertEquals(Kind.RESULT, disco(f, DiscoInfo.ITEMS_NS).kind());
    }

    @Test
    void localAnswersRespectAllowedSenders() {
        CoreFixture f = new CoreFixture(b -> b.disco(DiscoMode.LOCAL).allowedSenders(SenderFilter.parse(List.of("example.org"))));
        Sent s = disco(f, DiscoInfo.INFO_NS);
        assertEquals(Condition.FORBIDDEN, s.error().condition());
    }

    @Test
    void theDefaultIsFallbackSoAQueryBeforeAnyResourceGetsTheIdentity() {
        assertEquals(DiscoMode.FALLBACK, ProxySettings.DEFAULT_DISCO);
        CoreFixture f = new CoreFixture();
        Sent info = disco(f, DiscoInfo.INFO_NS);
        assertEquals(Kind.RESULT, info.kind());
        assertEquals("<query xmlns='" + DiscoInfo.INFO_NS + "'><identity category='component' type='generic' name='Client proxy'/>"
                + "<feature var='" + DiscoInfo.INFO_NS + "'/></query>", info.presenceType());
        f.online("a");
        assertEquals(Kind.FORWARD, disco(f, DiscoInfo.INFO_NS).kind(), "the bot answers while it is online");
    }

    private static final Jid SERVER = Jid.parse("example.com");
    private static final Jid SESS_MAN = Jid.parse("sess-man@example.com");

    private static Sent discoFrom(CoreFixture f, Jid from, String ns) {
        f.core.onIq("disco", new Iq(from, COMPONENT, "s1", "get", 1, ns, null));
        return f.out.one();
    }

    @Test
    void theServersOwnQueriesAreAnsweredWhateverAllowedSendersSays() {
        CoreFixture f = new CoreFixture(b -> b.discoInfo(INFO).allowedSenders(SenderFilter.parse(List.of("example.org"))))
                .online("a");
        for (Jid server : List.of(SERVER, SESS_MAN, Jid.parse("EXAMPLE.com"))) {
            Sent s = discoFrom(f, server, DiscoInfo.INFO_NS);
            assertEquals(Kind.RESULT, s.kind(), "answered by the component, never forwarded to the bot: " + server);
            assertEquals(server, s.to());
            assertEquals(COMPONENT, s.from());
            assertEquals(Kind.RESULT, discoFrom(f, server, DiscoInfo.ITEMS_NS).kind());
        }
        // A full JID is a client's (the server stamps it); other domains are not this server.
        for (Jid other : List.of(Jid.parse("example.com/x"), ALICE, Jid.parse("evil.net"), Jid.parse("com"),
                Jid.parse("proxy.example.com.evil.net"))) {
            assertEquals(Condition.FORBIDDEN, discoFrom(f, other, DiscoInfo.INFO_NS).error().condition(), other.toString());
        }
        f.core.onIq("q", new Iq(SERVER, COMPONENT, "q1", "get", 1, "urn:example:echo", null));
        assertEquals(Condition.FORBIDDEN, f.out.one().error().condition(), "only disco is exempt");
    }

    @Test
    void theParentOfTheAddressUsedIsTheServerAsWellAsTheTargetsDomain() {
        ProxyCore<String> core = new CoreFixture(b -> b.target(Jid.parse("bot@users.example.net"))).core;
        assertEquals(true, core.isServer(Jid.parse("example.com"), Jid.parse("proxy.example.com")));
        assertEquals(true, core.isServer(Jid.parse("vhost2.org"), Jid.parse("Proxy.vhost2.org/x")));
        assertEquals(true, core.isServer(Jid.parse("users.example.net"), Jid.parse("proxy.example.com")));
        assertEquals(false, core.isServer(Jid.parse("example.net"), Jid.parse("proxy.example.com")));
        assertEquals(false, core.isServer(Jid.parse("proxy.example.com"), Jid.parse("proxy.example.com")));
        assertEquals(false, core.isServer(Jid.parse("localhost"), Jid.parse("localhost")));
    }

    @Test
    void theServerGetsTheComponentsAnswerWhileNoResourceIsOnlineEvenWithForward() {
        CoreFixture f = with(DiscoMode.FORWARD);
        assertEquals(Kind.RESULT, discoFrom(f, SERVER, DiscoInfo.INFO_NS).kind());
        assertEquals(Condition.SERVICE_UNAVAILABLE, disco(f, DiscoInfo.INFO_NS).error().condition(), "a client's query: forward");
        f.online("a");
        Sent fwd = discoFrom(f, SERVER, DiscoInfo.INFO_NS);
        assertEquals(Kind.FORWARD, fwd.kind(), "allowed, and the bot can answer");
        assertEquals(res("a"), fwd.to());
    }

    @Test
    void identityAndModeAreValidated() {
        assertEquals(ProxySettings.DISCO_CATEGORY, org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
                () -> new DiscoInfo(" ", "rpc", "x", List.of())).key());
        assertEquals(ProxySettings.DISCO, org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
                () -> ProxySettings.parseDisco("maybe")).key());
        assertEquals(List.of(DiscoInfo.INFO_NS), new DiscoInfo("c", "t", null, List.of(DiscoInfo.INFO_NS, " ")).features());
    }
}
