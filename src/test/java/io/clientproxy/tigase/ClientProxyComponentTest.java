package io.clientproxy.tigase;

import static io.clientproxy.tigase.ComponentHarness.ALICE;
import static io.clientproxy.tigase.ComponentHarness.BOB;
import static io.clientproxy.tigase.ComponentHarness.COMPONENT;
import static io.clientproxy.tigase.ComponentHarness.TARGET;
import static io.clientproxy.tigase.ComponentHarness.attr;
import static io.clientproxy.tigase.ComponentHarness.iq;
import static io.clientproxy.tigase.ComponentHarness.query;
import static io.clientproxy.tigase.ComponentHarness.stanza;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tigase.server.Packet;
import tigase.xml.Element;

/** The Tigase adapter, driven with real packets: what goes out of addOutPacket. */
class ClientProxyComponentTest {
    private static final String STANZAS = Condition.STANZAS_NS;

    private static ComponentHarness withTwoResources() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.online("a", 1);
        h.online("b", 1);
        assertTrue(h.take().isEmpty());
        return h;
    }

    /** Checks an error stanza: type='error', id, addresses, and the error's type and condition. */
    private static void assertError(Packet p, String id, String from, String to, String errorType, String condition) {
        assertEquals("error", attr(p, "type"), p.toString());
        assertEquals(id, attr(p, "id"));
        assertEquals(from, attr(p, "from"));
        assertEquals(to, attr(p, "to"));
        Element error = p.getElement().getChild("error");
        assertNotNull(error, p.toString());
        assertEquals(errorType, error.getAttributeStaticStr("type"));
        assertNotNull(error.getChild(condition, STANZAS), "condition " + condition + " in " + p);
    }

    @Test
    void subscribesFromInitializeAsTigaseCallsItAndProbesAfterSubscribed() {
        ComponentHarness h = new ComponentHarness(Map.of("target-address", TARGET));
        // Tigase 8.4's BasicComponent.initialize() calls initializationCompleted() as its last statement.
        h.component.initialize();
        Packet sub = h.one();
        assertEquals("presence", sub.getElemName());
        assertEquals("subscribe", attr(sub, "type"));
        assertEquals(COMPONENT, attr(sub, "from"));
        assertEquals(TARGET, attr(sub, "to"));
        assertEquals(TARGET, sub.getStanzaTo().toString());
        h.component.start();
        h.component.initializationCompleted();
        assertTrue(h.take().isEmpty(), "subscribes once");
        // What Tigase answers when the subscription exists already: 'subscribed' from the bare JID.
        h.receive(stanza("presence", TARGET, COMPONENT, "x1", "subscribed"));
        Packet probe = h.one();
        assertEquals("probe", attr(probe, "type"));
        assertEquals(TARGET, attr(probe, "to"));
    }

    @ParameterizedTest
    @ValueSource(strings = {COMPONENT, COMPONENT + "/whatever", "svc@" + COMPONENT})
    void requestIsForwardedWithTranslatedAddressesAndAnswerComesBackFromTheAddressUsed(String address) {
        ComponentHarness h = withTwoResources();
        Element payload = query("urn:example:echo");
        payload.addChild(new Element("text", "hello & <goodbye>"));
        Element request = iq(ALICE, address, "q1", "get", payload);
        String before = request.toString();
        h.receive(request);
        Packet fwd = h.one();
        assertEquals(before, request.toString(), "the received packet is not modified");
        assertEquals("iq", fwd.getElemName());
        assertEquals("get", attr(fwd, "type"));
        assertEquals("1.q1", attr(fwd, "id"), "the id of this forward: its number, then the sender's id");
        String to = attr(fwd, "to");
        assertTrue(to.equals(TARGET + "/a") || to.equals(TARGET + "/b"), to);
        String encoded = attr(fwd, "from");
        assertTrue(encoded.startsWith(COMPONENT + "/"), encoded);
        assertTrue(!encoded.contains("alice"), "opaque by default: " + encoded);
        assertEquals(payload.toString(), fwd.getElement().getChild("query", "urn:example:echo").toString(),
                "payload untouched");
        assertEquals(encoded, fwd.getStanzaFrom().toString());
        assertEquals(to, fwd.getStanzaTo().toString());

        Element answer = query("urn:example:echo");
        answer.addChild(new Element("text", "from " + to));
        h.receive(iq(to, encoded, attr(fwd, "id"), "result", answer));
        Packet back = h.one();
        assertEquals("result", attr(back, "type"));
        assertEquals("q1", attr(back, "id"));
        assertEquals(address, attr(back, "from"), "from exactly the address the sender used");
        assertEquals(ALICE, attr(back, "to"));
        assertEquals(answer.toString(), back.getElement().getChild("query", "urn:example:echo").toString());
    }

    @Test
    void errorFromTheTargetKeepsItsConditionAndText() {
        ComponentHarness h = withTwoResources();
        h.receive(iq(ALICE, COMPONENT, "e1", "set", query("urn:example:echo")));
        Packet fwd = h.one();
        Element reply = iq(attr(fwd, "to"), attr(fwd, "from"), attr(fwd, "id"), "error", null);
        Element error = new Element("error");
        error.setAttribute("type", "modify");
        Element cond = new Element("not-acceptable");
        cond.setXMLNS(STANZAS);
        Element text = new Element("text", "no such thing");
        text.setXMLNS(STANZAS);
        error.addChild(cond);
        error.addChild(text);
        reply.addChild(error);
        h.receive(reply);
        Packet back = h.one();
        assertError(back, "e1", COMPONENT, ALICE, "modify", "not-acceptable");
        assertEquals("no such thing", back.getElement().getChild("error").getChild("text", STANZAS).getCData());
    }

    @Test
    void transparentModeShowsTheSendersFullJid() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET, "jat-mode", "transparent"));
        h.online("a", 0);
        h.receive(iq(ALICE, COMPONENT, "t1", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        assertEquals(COMPONENT + "/" + ALICE, attr(fwd, "from"));
        h.receive(iq(TARGET + "/a", COMPONENT + "/" + ALICE, attr(fwd, "id"), "result", null));
        Packet back = h.one();
        assertEquals(ALICE, attr(back, "to"));
        assertEquals(COMPONENT, attr(back, "from"));
    }

    @Test
    void noOnlineResourceIsServiceUnavailableCancel() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.receive(iq(ALICE, "svc@" + COMPONENT, "n1", "get", query("urn:example:echo")));
        assertError(h.one(), "n1", "svc@" + COMPONENT, ALICE, "cancel", "service-unavailable");
    }

    @Test
    void equalIdsFromDifferentSendersDoNotCross() {
        ComponentHarness h = withTwoResources();
        String laptop = "alice@example.com/laptop";
        h.receive(iq(ALICE, COMPONENT, "same", "get", query("urn:example:echo")));
        h.receive(iq(laptop, COMPONENT, "same", "get", query("urn:example:echo")));
        h.receive(iq(BOB, COMPONENT, "same", "get", query("urn:example:echo")));
        List<Packet> fwds = h.take();
        assertEquals(3, fwds.size());
        for (int i = fwds.size() - 1; i >= 0; i--) {
            Packet f = fwds.get(i);
            Element answer = query("urn:example:echo");
            answer.setAttribute("n", String.valueOf(i));
            h.receive(iq(attr(f, "to"), attr(f, "from"), attr(f, "id"), "result", answer));
        }
        List<Packet> back = h.take();
        assertEquals(List.of(BOB, laptop, ALICE), back.stream().map(p -> attr(p, "to")).toList());
        assertEquals(List.of("2", "1", "0"), back.stream()
                .map(p -> p.getElement().getChild("query", "urn:example:echo").getAttributeStaticStr("n")).toList());
    }

    @Test
    void unsolicitedDuplicateAndForeignRepliesAreDroppedAndCounted() {
        ComponentHarness h = withTwoResources();
        h.receive(iq(ALICE, COMPONENT, "d1", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        String holder = attr(fwd, "to");
        String other = holder.endsWith("/a") ? TARGET + "/b" : TARGET + "/a";
        h.receive(iq(holder, attr(fwd, "from"), "never-asked", "result", null));
        h.receive(iq(other, attr(fwd, "from"), attr(fwd, "id"), "result", null));
        h.receive(iq(BOB, attr(fwd, "from"), attr(fwd, "id"), "result", null));
        h.receive(iq(holder, COMPONENT + "/AAAAAAAAAAAAAAAAAAAAAAA", "d1", "result", null));
        assertTrue(h.take().isEmpty());
        h.receive(iq(holder, attr(fwd, "from"), attr(fwd, "id"), "result", null));
        assertEquals(ALICE, attr(h.one(), "to"));
        h.receive(iq(holder, attr(fwd, "from"), attr(fwd, "id"), "result", null));
        assertTrue(h.take().isEmpty(), "a duplicate is dropped");
        var stats = Statistics.of(h.component);
        assertEquals(2, stats.get("dropped/not-pending"));
        assertEquals(1, stats.get("dropped/wrong-resource"));
        assertEquals(1, stats.get("dropped/not-from-target"));
        assertEquals(1, stats.get("dropped/unknown-token"));
    }

    @Test
    void requestTimesOutWithRemoteServerTimeoutWaitAndLateReplyIsDropped() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET,
                "request-timeout", java.time.Duration.ofSeconds(5)));
        h.online("a", 0);
        h.receive(iq(ALICE, COMPONENT + "/r", "t1", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        h.clock.addAndGet(4_000);
        h.component.everySecond();
        // Held past the suspicion time (2 s): resource health pings the resource (XEP-0199).
        Packet ping = h.one();
        assertEquals("iq", ping.getElemName());
        assertEquals("get", attr(ping, "type"));
        assertEquals(TARGET + "/a", attr(ping, "to"));
        assertTrue(attr(ping, "from").startsWith(COMPONENT + "/@ping."), attr(ping, "from"));
        assertEquals("urn:xmpp:ping", ping.getElement().getChild("ping").getXMLNS());
        assertEquals("jabber:client", ping.getElement().getXMLNS());
        h.receive(iq(TARGET + "/a", attr(ping, "from"), attr(ping, "id"), "result", null));
        assertTrue(h.take().isEmpty(), "the answer to the ping goes nowhere");
        h.clock.addAndGet(1_000);
        h.component.everySecond();
        assertError(h.one(), "t1", COMPONENT + "/r", ALICE, "wait", "remote-server-timeout");
        h.receive(iq(attr(fwd, "to"), attr(fwd, "from"), attr(fwd, "id"), "result", null));
        assertTrue(h.take().isEmpty());
        assertEquals(1, Statistics.of(h.component).get("timeouts"));
    }

    @Test
    void resourceGoingOfflineMovesGetsAndFailsSets() {
        ComponentHarness h = withTwoResources();
        h.receive(iq(ALICE, COMPONENT, "g1", "get", query("urn:example:echo")));
        Packet get = h.one();
        String holder = attr(get, "to");
        String other = holder.endsWith("/a") ? TARGET + "/b" : TARGET + "/a";
        h.receive(stanza("presence", holder, COMPONENT, null, "unavailable"));
        Packet moved = h.one();
        assertEquals(other, attr(moved, "to"));
        assertEquals(attr(get, "from"), attr(moved, "from"));
        assertEquals("2.g1", attr(moved, "id"), "a new forward, a new number");

        h.receive(iq(ALICE, COMPONENT, "s1", "set", query("urn:example:echo")));
        Packet set = h.one();
        assertEquals(other, attr(set, "to"), "the only resource left");
        // The server's presence after a dropped connection: last presence plus type unavailable.
        Element gone = stanza("presence", other, COMPONENT, null, "unavailable");
        gone.addChild(new Element("priority", "1"));
        h.receive(gone);
        List<Packet> out = h.take();
        assertEquals(2, out.size(), out.toString());
        for (Packet p : out) {
            assertError(p, attr(p, "id"), COMPONENT, ALICE, "wait", "recipient-unavailable");
        }
    }

    @Test
    void messagesGetFeatureNotImplementedAndErrorsAreNeverAnswered() {
        ComponentHarness h = withTwoResources();
        Element msg = stanza("message", ALICE, COMPONENT, "m1", "chat");
        msg.addChild(new Element("body", "hi"));
        h.receive(msg);
        assertError(h.one(), "m1", COMPONENT, ALICE, "cancel", "feature-not-implemented");
        h.receive(stanza("message", ALICE, COMPONENT, "m2", "error"));
        h.receive(iq(ALICE, COMPONENT, "x", "error", null));
        assertTrue(h.take().isEmpty());
    }

    @Test
    void malformedInputGetsBadRequestOrIsDroppedAndNothingEscapes() {
        ComponentHarness h = withTwoResources();
        h.receive(iq(ALICE, COMPONENT, null, "get", query("urn:example:echo")));
        assertError(h.one(), null, COMPONENT, ALICE, "modify", "bad-request");
        h.receive(iq(ALICE, COMPONENT, "u1", "fetch", query("urn:example:echo")));
        assertError(h.one(), "u1", COMPONENT, ALICE, "modify", "bad-request");
        h.receive(iq(ALICE, COMPONENT, "c0", "get", null));
        assertError(h.one(), "c0", COMPONENT, ALICE, "modify", "bad-request");
        h.receive(iq(null, COMPONENT, "f0", "get", query("urn:example:echo")));
        h.receive(stanza("presence", null, COMPONENT, null, null));
        Element weird = new Element("handshake");
        weird.setAttribute("to", COMPONENT);
        h.receive(weird);
        assertTrue(h.take().isEmpty());
        assertEquals(0, h.component.core().pendingCount());
    }

    @Test
    void presenceTracksResourcesAndApprovesUsersSubscriptionsToTheService() {
        ComponentHarness h = withTwoResources();
        assertEquals(2, Statistics.of(h.component).get("online-resources"));
        h.receive(stanza("presence", BOB, COMPONENT, null, "subscribe"));
        List<Packet> approved = h.take();
        assertEquals(2, approved.size(), approved::toString);
        assertEquals("subscribed", attr(approved.get(0), "type"));
        assertEquals("bob@example.org", attr(approved.get(0), "to"));
        assertEquals(null, attr(approved.get(1), "type"), "the service is available: resources are online");
        assertEquals("bob@example.org", attr(approved.get(1), "to"));
        assertEquals(COMPONENT, attr(approved.get(1), "from"));
        h.receive(stanza("presence", TARGET, COMPONENT, null, "subscribe"));
        Packet ok = h.one();
        assertEquals("subscribed", attr(ok, "type"));
        assertEquals(TARGET, attr(ok, "to"));
        h.receive(stanza("presence", TARGET + "/a", COMPONENT, null, "error"));
        assertEquals(1, Statistics.of(h.component).get("online-resources"));
    }

    @Test
    void stopAnswersEveryPendingRequest() {
        ComponentHarness h = withTwoResources();
        h.receive(iq(ALICE, COMPONENT, "p1", "get", query("urn:example:echo")));
        h.receive(iq(BOB, COMPONENT, "p2", "set", query("urn:example:echo")));
        h.take();
        h.component.stop();
        List<Packet> out = h.take();
        assertEquals(2, out.size());
        for (Packet p : out) {
            assertError(p, attr(p, "id"), COMPONENT, attr(p, "to"), "wait", "service-unavailable");
        }
    }

    @Test
    void senderStanzasKeepOneThreadAndDifferentSendersSpread() {
        ComponentHarness h = withTwoResources();
        ClientProxyComponent c = h.component;
        Packet a1 = packet(iq(ALICE, COMPONENT, "1", "get", query("x")));
        Packet a2 = packet(iq(ALICE, COMPONENT + "/other", "2", "set", query("y")));
        assertEquals(c.hashCodeForPacket(a1), c.hashCodeForPacket(a2));
        java.util.Set<Integer> queues = new java.util.HashSet<>();
        int threads = 8;
        for (int i = 0; i < 64; i++) {
            int hash = c.hashCodeForPacket(packet(iq("user" + i + "@example.com/r", COMPONENT, "1", "get", query("x"))));
            queues.add(Math.abs(hash % threads));
        }
        assertTrue(queues.size() >= threads - 1, "64 senders spread over " + queues.size() + " of " + threads + " queues");
    }

    /** The reply is processed on the thread that processed its request: they lock the same shard. */
    @Test
    void theTargetsReplyTakesItsRequestsThread() {
        for (String mode : List.of("opaque", "transparent")) {
            ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET, "jat-mode", mode));
            h.online("a", 1);
            ClientProxyComponent c = h.component;
            assertTrue(c.processingInThreads() >= 1 && c.processingInThreads() <= 16);
            for (int i = 0; i < 32; i++) {
                Packet request = packet(iq("user" + i + "@example.com/r", COMPONENT, "q" + i, "get", query("x")));
                h.component.processPacket(request);
                Packet forwarded = h.one();
                Packet reply = packet(iq(attr(forwarded, "to"), attr(forwarded, "from"), "q" + i, "result", null));
                assertEquals(c.hashCodeForPacket(request), c.hashCodeForPacket(reply), mode + " " + attr(forwarded, "from"));
            }
        }
    }

    private static Packet packet(Element e) {
        try {
            return Packet.packetInstance(e);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void componentInfoReportsTheProductVersion() {
        ComponentHarness h = withTwoResources();
        String version = h.component.getComponentInfo().getComponentVersion();
        assertEquals(io.clientproxy.Version.current(), version);
        assertNotEquals("unknown", version);
        assertTrue(h.component instanceof tigase.kernel.beans.RegistrarBean);
        assertTrue(h.component instanceof tigase.server.DisableDisco);
    }

    @Test
    void discoQueriesGoToTheTargetWhileItIsOnline() {
        ComponentHarness h = withTwoResources();
        h.receive(iq(ALICE, COMPONENT, "d1", "get", query("http://jabber.org/protocol/disco#info")));
        Packet fwd = h.one();
        assertTrue(attr(fwd, "to").startsWith(TARGET + "/"));
        assertNotNull(fwd.getElement().getChild("query", "http://jabber.org/protocol/disco#info"));
        assertNull(fwd.getElement().getChild("error"));
    }

    @Test
    void localDiscoAnswersWithIdentityAndFeatures() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET, "disco", "fallback",
                "disco-category", "automation", "disco-type", "rpc", "disco-name", "Echo & co",
                "disco-features", List.of("urn:example:echo")));
        Element q = query("http://jabber.org/protocol/disco#info");
        q.setAttribute("node", "n1");
        h.receive(iq(ALICE, "svc@" + COMPONENT, "di", "get", q));
        Packet info = h.one();
        assertEquals("result", attr(info, "type"));
        assertEquals("di", attr(info, "id"));
        assertEquals("svc@" + COMPONENT, attr(info, "from"));
        assertEquals(ALICE, attr(info, "to"));
        Element answer = info.getElement().getChild("query", "http://jabber.org/protocol/disco#info");
        assertEquals("n1", answer.getAttributeStaticStr("node"));
        Element identity = answer.getChild("identity");
        assertEquals("automation", identity.getAttributeStaticStr("category"));
        assertEquals("rpc", identity.getAttributeStaticStr("type"));
        assertEquals("Echo &amp; co", identity.getAttributeStaticStr("name"), "escaped: Tigase writes attributes as stored");
        assertEquals(List.of("http://jabber.org/protocol/disco#info", "urn:example:echo"),
                answer.getChildren().stream().filter(e -> e.getName().equals("feature"))
                        .map(e -> e.getAttributeStaticStr("var")).toList());
        h.receive(iq(ALICE, COMPONENT, "dit", "get", query("http://jabber.org/protocol/disco#items")));
        Packet items = h.one();
        Element itemsQuery = items.getElement().getChild("query", "http://jabber.org/protocol/disco#items");
        assertNotNull(itemsQuery);
        assertTrue(itemsQuery.getChildren() == null || itemsQuery.getChildren().isEmpty());
        h.online("a", 0);
        h.receive(iq(ALICE, COMPONENT, "d2", "get", query("http://jabber.org/protocol/disco#info")));
        assertEquals(TARGET + "/a", attr(h.one(), "to"), "fallback forwards while the target is online");
    }

    @Test
    void byDefaultADiscoQueryBeforeAnyResourceIsOnlineGetsTheComponentsIdentity() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.receive(iq(ALICE, COMPONENT, "d0", "get", query("http://jabber.org/protocol/disco#info")));
        Packet info = h.one();
        assertEquals("result", attr(info, "type"));
        assertEquals(COMPONENT, attr(info, "from"));
        Element identity = info.getElement().getChild("query", "http://jabber.org/protocol/disco#info").getChild("identity");
        assertEquals("component", identity.getAttributeStaticStr("category"));
        assertEquals("generic", identity.getAttributeStaticStr("type"));
    }

    @Test
    void tigasesOwnComponentsAreAnsweredDespiteAllowedSenders() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET,
                "allowed-senders", List.of("example.org")));
        h.online("a", 0);
        h.take();
        for (String server : List.of("sess-man@example.com", "example.com")) {
            h.receive(iq(server, COMPONENT, "s1", "get", query("http://jabber.org/protocol/disco#info")));
            Packet info = h.one();
            assertEquals("result", attr(info, "type"), info.toString());
            assertEquals(server, attr(info, "to"));
            assertNotNull(info.getElement().getChild("query", "http://jabber.org/protocol/disco#info").getChild("identity"));
        }
        h.receive(iq(ALICE, COMPONENT, "s2", "get", query("http://jabber.org/protocol/disco#info")));
        assertError(h.one(), "s2", COMPONENT, ALICE, "auth", "forbidden");
    }

    @Test
    void twoBeansWithDifferentNamesAndTargetsWorkSideBySide() {
        ComponentHarness first = ComponentHarness.started(Map.of("target-address", TARGET));
        ComponentHarness second = new ComponentHarness(Map.of("target-address", "weather@example.com", "jat-mode", "transparent"));
        second.component.setName("weather");
        second.component.initialize();
        second.component.start();
        Packet sub = second.one();
        assertEquals("weather.example.com", attr(sub, "from"));
        assertEquals("weather@example.com", attr(sub, "to"));

        first.online("a", 0);
        second.receive(stanza("presence", "weather@example.com/w1", "weather.example.com", null, null));
        // A resource of the first target means nothing to the second proxy, and the reverse.
        second.receive(stanza("presence", TARGET + "/a", "weather.example.com", null, null));
        first.receive(stanza("presence", "weather@example.com/w1", COMPONENT, null, null));
        first.take();
        second.take();

        first.receive(iq(ALICE, COMPONENT, "1", "get", query("urn:example:echo")));
        second.receive(iq(ALICE, "weather.example.com", "1", "get", query("urn:example:weather")));
        Packet toBot = first.one();
        Packet toWeather = second.one();
        assertEquals(TARGET + "/a", attr(toBot, "to"));
        assertEquals("weather@example.com/w1", attr(toWeather, "to"));
        assertEquals("weather.example.com/" + ALICE, attr(toWeather, "from"));

        second.receive(iq("weather@example.com/w1", attr(toWeather, "from"), attr(toWeather, "id"), "result", null));
        first.receive(iq(TARGET + "/a", attr(toBot, "from"), attr(toBot, "id"), "result", null));
        assertEquals("weather.example.com", attr(second.one(), "from"));
        assertEquals(COMPONENT, attr(first.one(), "from"));
        assertEquals(1, Statistics.of(first.component).get("online-resources"));
        assertEquals(1, Statistics.of(second.component).get("online-resources"));
    }

    @Test
    void outboundRequestFromTheTargetReachesTheSenderAndItsAnswerComesBack() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET, "outbound-requests", true));
        h.online("a", 0);
        h.receive(iq(ALICE, "svc@" + COMPONENT, "in", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        h.receive(iq(TARGET + "/a", attr(fwd, "from"), attr(fwd, "id"), "result", null));
        h.one();
        Element ask = query("urn:example:confirm");
        h.receive(iq(TARGET + "/a", attr(fwd, "from"), "out1", "set", ask));
        Packet toAlice = h.one();
        assertEquals("svc@" + COMPONENT, attr(toAlice, "from"));
        assertEquals(ALICE, attr(toAlice, "to"));
        assertEquals("out1", attr(toAlice, "id"));
        assertNotNull(toAlice.getElement().getChild("query", "urn:example:confirm"));
        h.receive(iq(ALICE, "svc@" + COMPONENT, "out1", "result", null));
        Packet back = h.one();
        assertEquals(attr(fwd, "from"), attr(back, "from"));
        assertEquals(TARGET + "/a", attr(back, "to"));
        h.receive(iq(TARGET + "/a", COMPONENT + "/unknown", "out2", "get", query("urn:example:confirm")));
        assertNotNull(h.one().getElement().getChild("error").getChild("item-not-found", STANZAS));
    }

    @Test
    void messagesGoBothWaysWhenEnabled() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET, "messages", true));
        h.online("a", 0);
        Element msg = stanza("message", ALICE, COMPONENT, "m1", "chat");
        msg.addChild(new Element("body", "hello"));
        h.receive(msg);
        Packet in = h.one();
        assertEquals(TARGET + "/a", attr(in, "to"));
        assertTrue(attr(in, "from").startsWith(COMPONENT + "/"));
        assertEquals("hello", in.getElement().getChild("body").getCData());
        // XEP-0280 section 8 and XEP-0334: the server must not copy it to the target's other resources.
        assertNotNull(in.getElement().getChild("private", "urn:xmpp:carbons:2"), in.toString());
        assertNotNull(in.getElement().getChild("no-copy", "urn:xmpp:hints"), in.toString());
        assertNull(msg.getChild("private", "urn:xmpp:carbons:2"), "the received packet is not changed");
        Element answer = stanza("message", TARGET + "/a", attr(in, "from"), "m2", "chat");
        answer.addChild(new Element("body", "hi alice"));
        h.receive(answer);
        Packet out = h.one();
        assertEquals(COMPONENT, attr(out, "from"));
        assertEquals(ALICE, attr(out, "to"));
        assertEquals("hi alice", out.getElement().getChild("body").getCData());
        assertNull(out.getElement().getChild("private", "urn:xmpp:carbons:2"), "the sender's carbons are its own business");
        assertNull(out.getElement().getChild("no-copy", "urn:xmpp:hints"));

        // A sender's own hints are kept and not added twice.
        Element hinted = stanza("message", ALICE, COMPONENT, "m3", "chat");
        Element priv = new Element("private");
        priv.setXMLNS("urn:xmpp:carbons:2");
        hinted.addChild(priv);
        Element noCopy = new Element("no-copy");
        noCopy.setXMLNS("urn:xmpp:hints");
        hinted.addChild(noCopy);
        h.receive(hinted);
        Packet in2 = h.one();
        assertEquals(1, in2.getElement().getChildren().stream().filter(e -> e.getName().equals("private")).count(), in2.toString());
        assertEquals(1, in2.getElement().getChildren().stream().filter(e -> e.getName().equals("no-copy")).count(), in2.toString());
    }

    @Test
    void tigaseAdminsCanRunCommandsOthersAreForbidden() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.component.setAdmins(java.util.Set.of(tigase.xmpp.jid.BareJID.bareJIDInstanceNS("root@example.com")));
        h.online("a", 3);
        Element command = new Element("command");
        command.setXMLNS("http://jabber.org/protocol/commands");
        command.setAttribute("node", "list-resources");
        command.setAttribute("action", "execute");
        h.receive(iq("root@example.com/console", COMPONENT, "c1", "set", command));
        Packet result = h.one();
        assertEquals("result", attr(result, "type"));
        Element answer = result.getElement().getChild("command", "http://jabber.org/protocol/commands");
        assertEquals("completed", answer.getAttributeStaticStr("status"));
        Element form = answer.getChild("x", "jabber:x:data");
        assertEquals("result", form.getAttributeStaticStr("type"));
        Element item = form.getChild("item");
        assertEquals(TARGET + "/a", item.getChildren().get(0).getChild("value").getCData());
        assertEquals("3", item.getChildren().get(1).getChild("value").getCData());

        Element again = new Element("command");
        again.setXMLNS("http://jabber.org/protocol/commands");
        again.setAttribute("node", "counters");
        h.receive(iq(ALICE, COMPONENT, "c2", "set", again));
        assertError(h.one(), "c2", COMPONENT, ALICE, "auth", "forbidden");
    }
}
