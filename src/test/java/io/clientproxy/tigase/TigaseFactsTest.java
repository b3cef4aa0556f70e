package io.clientproxy.tigase;

import static io.clientproxy.tigase.ComponentHarness.ALICE;
import static io.clientproxy.tigase.ComponentHarness.COMPONENT;
import static io.clientproxy.tigase.ComponentHarness.TARGET;
import static io.clientproxy.tigase.ComponentHarness.attr;
import static io.clientproxy.tigase.ComponentHarness.iq;
import static io.clientproxy.tigase.ComponentHarness.query;
import static io.clientproxy.tigase.ComponentHarness.stanza;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tigase.server.Packet;
import tigase.xml.Element;

/**
 * The component against the facts a real Tigase 8.4.0 showed (../shared/tigase-notes.md, part 2):
 * namespaces of created stanzas, ids kept as written, local-part case, and the errors the server
 * sends for a resource whose connection is closing.
 */
class TigaseFactsTest {
    private static final String CLIENT_NS = "jabber:client";

    /** Every kind of stanza the component sends carries jabber:client, or Tigase's session manager ignores it. */
    @Test
    void everyKindOfOutgoingStanzaCarriesJabberClient() {
        ComponentHarness h = new ComponentHarness(Map.of("target-address", TARGET, "messages", true,
                "disco", "local", "outbound-requests", true));
        List<Packet> out = new ArrayList<>();
        h.component.initialize();
        h.component.start();
        out.addAll(h.take());                                                              // subscribe
        h.receive(stanza("presence", TARGET, COMPONENT, null, "subscribed"));
        out.addAll(h.take());                                                              // probe
        h.receive(stanza("presence", TARGET, COMPONENT, null, "subscribe"));
        out.addAll(h.take());                                                              // subscribed
        h.receive(stanza("presence", TARGET + "/a", COMPONENT, null, "probe"));
        out.addAll(h.take());                                                              // available presence
        h.receive(stanza("presence", ALICE, COMPONENT, null, "subscribe"));
        out.addAll(h.take());                                                              // subscribed, unavailable
        h.online("a", 0);
        out.addAll(h.take());                                                              // the service available
        h.receive(iq(ALICE, COMPONENT, "1", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        out.add(fwd);                                                                      // forwarded request
        h.receive(iq(attr(fwd, "to"), attr(fwd, "from"), attr(fwd, "id"), "result", null));
        out.addAll(h.take());                                                              // forwarded reply
        h.receive(iq(ALICE, COMPONENT, "2", "get", query("http://jabber.org/protocol/disco#info")));
        out.addAll(h.take());                                                              // result built here
        h.receive(iq(ALICE, COMPONENT, "3", "get", null));
        out.addAll(h.take());                                                              // error built here
        Element message = stanza("message", ALICE, COMPONENT, "m1", "chat");
        message.addChild(new Element("body", "hi"));
        h.receive(message);
        Packet toBot = h.one();
        out.add(toBot);                                                                    // message to the target
        Element back = stanza("message", TARGET + "/a", attr(toBot, "from"), "m2", "chat");
        back.addChild(new Element("body", "hello"));
        h.receive(back);
        out.addAll(h.take());                                                              // message to the sender
        Element outbound = iq(TARGET + "/a", attr(fwd, "from"), "o1", "get", query("urn:example:ask"));
        h.receive(outbound);
        out.addAll(h.take());                                                              // outbound request
        h.component.stop();

        List<String> kinds = new ArrayList<>();
        for (Packet p : out) {
            assertEquals(CLIENT_NS, p.getElement().getXMLNS(), "xmlns of " + p);
            kinds.add(p.getElemName() + "/" + attr(p, "type"));
        }
        assertEquals(List.of("presence/subscribe", "presence/probe", "presence/subscribed", "presence/null",
                "presence/subscribed", "presence/unavailable", "presence/null", "iq/get", "iq/result", "iq/result", "iq/error", "message/chat",
                "message/chat", "iq/get"), kinds);
    }

    /** A real session manager drops a presence without the namespace; the harness must refuse it too. */
    @Test
    void theHarnessRefusesAStanzaWithoutTheNamespaceAsTigaseDoes() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        Element bare = new Element("presence");
        bare.setAttribute("from", COMPONENT);
        bare.setAttribute("to", TARGET);
        bare.setAttribute("type", "subscribe");
        h.record(Packet.packetInstance(bare, ComponentHarness.jid(COMPONENT),
                ComponentHarness.jid(TARGET)));
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, h::take);
        assertTrue(e.getMessage().contains("jabber:client"), e.getMessage());
    }

    /** Tigase keeps ids as written; a bot's library may spell the same id differently. */
    @Test
    void idsAreComparedAsValuesAndTheSenderGetsItsOwnSpellingBack() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.online("a", 0);
        h.receive(iq(ALICE, COMPONENT, "a&apos;b&amp;c", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        assertEquals("1.a&apos;b&amp;c", attr(fwd, "id"), "the forward's id: its number, then the sender's id (escaped)");
        // The bot's XML library spells the same value another way.
        h.receive(iq(attr(fwd, "to"), attr(fwd, "from"), "1.a&#39;b&#x26;c", "result", null));
        Packet back = h.one();
        assertEquals(ALICE, attr(back, "to"));
        assertEquals("result", attr(back, "type"));
        assertEquals("a&apos;b&amp;c", attr(back, "id"), "the sender gets its own spelling back");

        // The same id in another spelling is the same id: the second request supersedes the first.
        h.receive(iq(ALICE, COMPONENT, "x&apos;", "get", query("urn:example:echo")));
        Packet first = h.one();
        h.receive(iq(ALICE, COMPONENT, "x&#39;", "get", query("urn:example:echo")));
        Packet second = h.one();
        assertEquals("get", attr(second, "type"));
        assertNotEquals(attr(first, "id"), attr(second, "id"));
        h.receive(iq(attr(first, "to"), attr(first, "from"), attr(first, "id"), "result", null));
        assertTrue(h.take().isEmpty(), "the superseded forward's answer reaches nobody");
        h.receive(iq(attr(second, "to"), attr(second, "from"), attr(second, "id"), "result", null));
        Packet answer = h.one();
        assertEquals("x&#39;", attr(answer, "id"), "answered with the spelling of the request it answers");
    }

    /** Tigase keeps the local part's case; the answer comes from exactly the address used. */
    @Test
    void answersComeFromTheAddressUsedWhateverItsCase() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.online("a", 0);
        String used = "Svc@" + COMPONENT;
        h.receive(iq("Alice@example.com/phone", used, "1", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        h.receive(iq(attr(fwd, "to"), attr(fwd, "from"), attr(fwd, "id"), "result", null));
        Packet back = h.one();
        assertEquals(used, attr(back, "from"));
        assertEquals("Alice@example.com/phone", attr(back, "to"));

        h.receive(iq(ALICE, "SVC@" + COMPONENT, "2", "get", null));
        Packet error = h.one();
        assertEquals("SVC@" + COMPONENT, attr(error, "from"), "errors built here too");
    }

    /** The target logged in as Bot@example.com is still the target. */
    @Test
    void theTargetIsRecognisedWhateverTheCaseOfItsLocalPart() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
        h.receive(stanza("presence", "Bot@example.com/a", COMPONENT, null, null));
        h.receive(iq(ALICE, COMPONENT, "1", "get", query("urn:example:echo")));
        Packet fwd = h.one();
        assertEquals("Bot@example.com/a", attr(fwd, "to"));
        h.receive(iq("Bot@example.com/a", attr(fwd, "from"), attr(fwd, "id"), "result", null));
        assertEquals(ALICE, attr(h.one(), "to"));
    }

    /**
     * Tigase answers for a resource whose connection closed with errors from its full JID before
     * the unavailable presence (texts as a real 8.4.0 sent them): a get moves, nothing reaches the
     * sender but the other resource's answer.
     */
    @Test
    void errorsTigaseSendsForAClosingConnectionMoveTheGet() {
        String[][] bounces = {
                {"cancel", "service-unavailable", "Service not available."},
                {"wait", "recipient-unavailable", "The user connection is no longer active."},
                {"wait", "recipient-unavailable", null},
                {"wait", "recipient-unavailable", "The recipient is no longer available."},
                {"auth", "not-authorized", "You must authorize session first."}};
        for (String[] b : bounces) {
            ComponentHarness h = ComponentHarness.started(Map.of("target-address", TARGET));
            h.online("a", 0);
            h.online("b", 0);
            h.take();
            h.receive(iq(ALICE, COMPONENT, "g1", "get", query("urn:example:echo")));
            Packet fwd = h.one();
            Element error = new Element("error");
            error.setAttribute("type", b[0]);
            Element condition = new Element(b[1]);
            condition.setXMLNS(Condition.STANZAS_NS);
            error.addChild(condition);
            if (b[2] != null) {
                Element text = new Element("text", b[2]);
                text.setXMLNS(Condition.STANZAS_NS);
                error.addChild(text);
            }
            Element bounce = iq(attr(fwd, "to"), attr(fwd, "from"), attr(fwd, "id"), "error", query("urn:example:echo"));
            bounce.addChild(error);
            h.receive(bounce);
            Packet moved = h.one();
            assertEquals("get", attr(moved, "type"), b[1]);
            assertNotEquals(attr(fwd, "to"), attr(moved, "to"));
            assertEquals(attr(fwd, "from"), attr(moved, "from"));
            h.receive(stanza("presence", attr(fwd, "to"), COMPONENT, null, "unavailable"));
            assertTrue(h.take().isEmpty());
            h.receive(iq(attr(moved, "to"), attr(moved, "from"), attr(moved, "id"), "result", null));
            Packet answer = h.one();
            assertEquals("result", attr(answer, "type"));
            assertEquals(ALICE, attr(answer, "to"));
            assertEquals(1, h.component.core().counters().get(Counter.BOUNCES));
        }
    }

    @Test
    void xmlTextDecodesEntitiesAndCharacterReferences() {
        assertEquals("plain", XmlText.decode("plain"));
        assertEquals("a'b&c<>\"", XmlText.decode("a&apos;b&amp;c&lt;&gt;&quot;"));
        assertEquals("a'b&c", XmlText.decode("a&#39;b&#x26;c"));
        assertEquals("\uD83D\uDE00", XmlText.decode("&#x1F600;"));
        assertEquals("&bogus; & &#xZZ;", XmlText.decode("&bogus; & &#xZZ;"));
        assertNotNull(XmlText.decode("&"));
    }
}
