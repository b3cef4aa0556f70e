package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disco option: forward, local, fallback. */
class DiscoTest {
    private static final DiscoInfo INFO = new DiscoInfo("automation", "rpc", "Echo service", List.of("urn:example:echo"));

    private static CoreFixture with(DiscoMode mode) {
        return new CoreFixture(b -> b.disco(mode).discoInfo(INFO));
    }

    private static Sent disco(CoreFixture f, String ns) {
        f.core.onIq("disco", ALICE, COMPONENT, "d1", "get", 1, ns);
        return f.out.one();
    }

    @Test
    void forwardSendsDiscoToTheTarget() {
        CoreFixture f = with(DiscoMode.FORWARD).online("a");
        Sent s = disco(f, DiscoInfo.INFO_NS);
        assertEquals(Kind.FORWARD, s.kind());
        assertEquals(res("a"), s.to());
        f.core.onIq("disco", ALICE, COMPONENT, "d2", "get", 1, DiscoInfo.INFO_NS);
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
        f.core.onIq("set", ALICE, COMPONENT, "s", "set", 1, DiscoInfo.INFO_NS);
        assertEquals(Kind.FORWARD, f.out.one().kind(), "only gets are disco queries");
        f.core.onIq("other", ALICE, COMPONENT, "o", "get", 1, "urn:example:echo");
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
    void identityAndModeAreValidated() {
        assertEquals(ProxySettings.DISCO_CATEGORY, org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
                () -> new DiscoInfo(" ", "rpc", "x", List.of())).key());
        assertEquals(ProxySettings.DISCO, org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
                () -> ProxySettings.parseDisco("maybe")).key());
        assertEquals(List.of(DiscoInfo.INFO_NS), new DiscoInfo("c", "t", null, List.of(DiscoInfo.INFO_NS, " ")).features());
    }
}
