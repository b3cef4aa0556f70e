package io.clientproxy.tigase;

import static io.clientproxy.tigase.ComponentHarness.ALICE;
import static io.clientproxy.tigase.ComponentHarness.COMPONENT;
import static io.clientproxy.tigase.ComponentHarness.TARGET;
import static io.clientproxy.tigase.ComponentHarness.attr;
import static io.clientproxy.tigase.ComponentHarness.iq;
import static io.clientproxy.tigase.ComponentHarness.query;
import static io.clientproxy.tigase.ComponentHarness.stanza;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tigase.server.Packet;
import tigase.server.Permissions;
import tigase.xml.Element;

/**
 * Option {@code approve-in-roster}: what the component sends to Tigase's session manager while the
 * bot has not approved the subscription, and what it does with the answer (the answers are shaped
 * as Tigase 8.4.0's UserRosterManagement.groovy and BasicComponent.processScriptCommand give them).
 */
class RosterApprovalTest {
    static final String SESS_MAN = "sess-man@example.com";
    static final String COMMAND_FROM = "proxy@example.com";

    static ComponentHarness started(boolean option) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("target-address", TARGET);
        config.put("resubscribe-min", Duration.ofSeconds(2));
        config.put("resubscribe-max", Duration.ofSeconds(8));
        config.put("approve-in-roster", option);
        ComponentHarness h = new ComponentHarness(config);
        h.component.initialize();
        h.component.start();
        assertEquals("subscribe", attr(h.one(), "type"));
        return h;
    }

    static void seconds(ComponentHarness h, int n) {
        for (int i = 0; i < n; i++) {
            h.clock.addAndGet(1000);
            h.component.everySecond();
        }
    }

    static Element answer(Packet command, String type, String field, String text) {
        Element result = iq(attr(command, "to"), attr(command, "from"), attr(command, "id"), type, null);
        if ("result".equals(type)) {
            Element c = new Element("command");
            c.setXMLNS(RosterApproval.COMMANDS_NS);
            c.setAttribute("node", RosterApproval.COMMAND);
            c.setAttribute("status", "completed");
            Element x = new Element("x");
            x.setXMLNS("jabber:x:data");
            x.setAttribute("type", "result");
            Element f = new Element("field");
            f.setAttribute("var", field);
            f.addChild(new Element("value", text));
            x.addChild(f);
            c.addChild(x);
            result.addChild(c);
        } else {
            Element error = new Element("error");
            error.setAttribute("type", "auth");
            Element forbidden = new Element("forbidden");
            forbidden.setXMLNS("urn:ietf:params:xml:ns:xmpp-stanzas");
            error.addChild(forbidden);
            result.addChild(error);
        }
        return result;
    }

    static Map<String, String> fields(Packet command) {
        Element c = command.getElement().getChild("command", RosterApproval.COMMANDS_NS);
        assertNotNull(c, command.toString());
        assertEquals(RosterApproval.COMMAND, c.getAttributeStaticStr("node"));
        Element x = c.getChild("x", "jabber:x:data");
        assertEquals("submit", x.getAttributeStaticStr("type"));
        Map<String, String> out = new LinkedHashMap<>();
        for (Element f : x.getChildren()) {
            out.put(f.getAttributeStaticStr("var"), f.getChild("value").getCData());
        }
        return out;
    }

    /** The bot denies (Smack's default): the command goes out at once, and its success is the approval. */
    @Test
    void aDenialIsAnsweredByWritingTheRosterItem() {
        ComponentHarness h = started(true);
        h.receive(stanza("presence", TARGET, COMPONENT, null, "unsubscribed"));
        assertTrue(h.take().isEmpty());
        seconds(h, 1);
        Packet command = h.one();
        assertEquals("iq", command.getElemName());
        assertEquals("set", attr(command, "type"));
        assertEquals(COMMAND_FROM, attr(command, "from"));
        assertEquals(SESS_MAN, attr(command, "to"));
        assertEquals(Permissions.LOCAL, command.getPermissions(), "sess-man hands a command on only with permissions");
        assertEquals(Map.of("rosterOwnerJID", TARGET, "jidToManipulate", COMPONENT, "operationType", "addJid",
                "subscriptionType", "from"), fields(command));
        seconds(h, 3);
        assertTrue(h.take().stream().noneMatch(p -> "iq".equals(p.getElemName())), "one command in flight");

        h.receive(answer(command, "result", "Note", "Operation successful"));
        Packet probe = h.one();
        assertEquals("probe", attr(probe, "type"));
        assertEquals(TARGET, attr(probe, "to"));
        assertEquals("subscribed", h.component.core().subscriptionState().key());
        h.online("a", 0);
        h.receive(iq(ALICE, COMPONENT, "q1", "get", query("urn:example:echo")));
        assertEquals(TARGET + "/a", attr(h.one(), "to"), "served although the bot approved nothing");
        seconds(h, 30);
        List<Packet> later = h.take();
        assertTrue(later.stream().noneMatch(p -> SESS_MAN.equals(attr(p, "to")) || "subscribe".equals(attr(p, "type"))),
                "no command and no subscribe once approved: " + later);
    }

    /** No answer to subscribe: the command waits for resubscribe-min first (an approved bot that is online answers at once). */
    @Test
    void anUnansweredRequestWaitsResubscribeMinFirst() {
        ComponentHarness h = started(true);
        seconds(h, 1);
        assertTrue(h.take().isEmpty());
        seconds(h, 2);
        List<Packet> out = h.take();
        assertTrue(out.stream().anyMatch(p -> "iq".equals(p.getElemName()) && SESS_MAN.equals(attr(p, "to"))), out.toString());
    }

    /** Not granted in sess-man's ACL: forbidden; the component keeps asking, with a doubling wait, and never pretends. */
    @Test
    void aRefusalIsRetriedLaterAndApprovesNothing() {
        ComponentHarness h = started(true);
        h.receive(stanza("presence", TARGET, COMPONENT, null, "unsubscribed"));
        seconds(h, 1);
        Packet command = h.one();
        h.receive(answer(command, "error", null, null));
        assertTrue(h.take().isEmpty(), "no probe: nothing was written");
        assertEquals("denied", h.component.core().subscriptionState().key());
        seconds(h, 1);
        List<Packet> early = h.take();
        assertTrue(early.stream().noneMatch(p -> "iq".equals(p.getElemName())), "not again at once: " + early);
        seconds(h, 8);
        assertTrue(h.take().stream().anyMatch(p -> "iq".equals(p.getElemName())), "again after the wait");

        // The script's own refusal comes as a result with an Error field: no approval either.
        ComponentHarness h2 = started(true);
        h2.receive(stanza("presence", TARGET, COMPONENT, null, "unsubscribed"));
        seconds(h2, 1);
        Packet c2 = h2.one();
        h2.receive(answer(c2, "result", "Error", "You do not have enough permissions to modify roster of " + TARGET));
        assertTrue(h2.take().isEmpty());
        assertEquals("denied", h2.component.core().subscriptionState().key());

        // A script that failed (no such account yet) is a result too: Note "Script execution error.".
        ComponentHarness h3 = started(true);
        h3.receive(stanza("presence", TARGET, COMPONENT, null, "unsubscribed"));
        seconds(h3, 1);
        Packet c3 = h3.one();
        h3.receive(answer(c3, "result", "Note", "Script execution error."));
        assertTrue(h3.take().isEmpty());
        assertEquals("denied", h3.component.core().subscriptionState().key());
    }

    /** Off (the default): the session manager is never asked. */
    @Test
    void offByDefault() {
        ComponentHarness h = started(false);
        h.receive(stanza("presence", TARGET, COMPONENT, null, "unsubscribed"));
        seconds(h, 20);
        assertTrue(h.take().stream().noneMatch(p -> "iq".equals(p.getElemName())));
    }
}
