package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import org.junit.jupiter.api.Test;

/** XEP-0050 admin commands: what admins get, and that nobody else gets anything. */
class AdminCommandsTest {
    private static final Jid ADMIN = Jid.parse("root@example.com/console");
    private static final String COMMANDS = "http://jabber.org/protocol/commands";

    private static CoreFixture fixture() {
        CoreFixture f = new CoreFixture().online("a", 5).online("b", -1);
        f.core.setAdmins(jid -> jid.hasBare("root@example.com"));
        return f;
    }

    private static Sent run(CoreFixture f, Jid from, Payload command) {
        String label = f.out.withChild("cmd-" + command, command);
        f.core.onIq(label, new Iq(from, COMPONENT, "c1", "set", 1, COMMANDS, null));
        return f.out.one();
    }

    private static Payload execute(String node) {
        return Payload.of("command", COMMANDS).attr("node", node).attr("action", "execute");
    }

    @Test
    void commandsAreListedForAdminsOnly() {
        CoreFixture f = fixture();
        Payload query = Payload.of("query", DiscoInfo.ITEMS_NS).attr("node", COMMANDS);
        f.core.onIq(f.out.withChild("items", query), new Iq(ADMIN, COMPONENT, "d", "get", 1, DiscoInfo.ITEMS_NS, null));
        Sent forAdmin = f.out.one();
        assertEquals(Kind.RESULT, forAdmin.kind());
        for (String node : new String[] {"list-resources", "counters", "drop-resource", "resubscribe"}) {
            assertTrue(forAdmin.presenceType().contains("node='" + node + "'"), forAdmin.toString());
        }
        f.core.onIq("items", new Iq(ALICE, COMPONENT, "d", "get", 1, DiscoInfo.ITEMS_NS, null));
        assertEquals("<query xmlns='" + DiscoInfo.ITEMS_NS + "' node='" + COMMANDS + "'/>", f.out.one().presenceType(),
                "others see no commands, and the query does not go to the target");
    }

    @Test
    void nonAdminsAreForbidden() {
        CoreFixture f = fixture();
        Sent err = run(f, ALICE, execute("list-resources"));
        assertEquals(Condition.FORBIDDEN, err.error().condition());
        assertEquals(ErrorType.AUTH, err.error().type());
        assertEquals(Condition.FORBIDDEN, run(f, res("a"), execute("resubscribe")).error().condition(), "not even the target");
    }

    @Test
    void listResourcesShowsPriorityAndPendingCounts() {
        CoreFixture f = fixture();
        f.get("q", ALICE, "1");
        Sent list = run(f, ADMIN, execute("list-resources"));
        assertEquals(Kind.RESULT, list.kind());
        String xml = list.presenceType();
        assertTrue(xml.contains("status='completed'"), xml);
        assertTrue(xml.contains("<value>bot@example.com/a</value>") && xml.contains("<value>bot@example.com/b</value>"), xml);
        assertTrue(xml.contains("<value>5</value>") && xml.contains("<value>-1</value>"), xml);
        assertTrue(xml.contains("<field var='pending'><value>1</value></field>"), "one request in flight: " + xml);
    }

    @Test
    void countersShowEveryCounter() {
        CoreFixture f = fixture();
        f.core.onMessage("m", ALICE, COMPONENT, "chat");
        f.out.take();
        String xml = run(f, ADMIN, execute("counters")).presenceType();
        assertTrue(xml.contains("<field var='errors/feature-not-implemented' label='errors/feature-not-implemented'><value>1</value></field>"), xml);
        assertTrue(xml.contains("<field var='online-resources' label='online-resources'><value>2</value></field>"), xml);
    }

    @Test
    void dropResourceAsksWhichThenDropsItAndMovesItsGets() {
        CoreFixture f = fixture();
        Sent form = run(f, ADMIN, execute("drop-resource"));
        String xml = form.presenceType();
        assertTrue(xml.contains("status='executing'") && xml.contains("type='list-single'"), xml);
        assertTrue(xml.contains("<value>bot@example.com/a</value>"), xml);
        String session = xml.replaceAll(".*sessionid='([^']+)'.*", "$1");

        CoreFixture g = f;
        Sent fwd = g.get("q", ALICE, "1");
        Payload submit = Payload.of("command", COMMANDS).attr("node", "drop-resource").attr("sessionid", session)
                .add(Payload.of("x", AdminCommands.DATA_NS).attr("type", "submit")
                        .add(Payload.of("field", null).attr("var", "resource").addText("value", fwd.to().toString())));
        String label = g.out.withChild("submit", submit);
        g.core.onIq(label, new Iq(ADMIN, COMPONENT, "c2", "set", 1, COMMANDS, null));
        var out = g.out.take();
        assertEquals(2, out.size(), out.toString());
        Sent moved = out.stream().filter(s -> s.kind() == Kind.FORWARD).findFirst().orElseThrow();
        assertTrue(!moved.to().equals(fwd.to()), "the pending get moved");
        Sent done = out.stream().filter(s -> s.kind() == Kind.RESULT).findFirst().orElseThrow();
        assertTrue(done.presenceType().contains("status='completed'") && done.presenceType().contains("sessionid='" + session + "'"),
                done.toString());
        assertEquals(1, g.core.resources().size());
        Sent again = run(g, ADMIN, submit);
        assertEquals(Condition.BAD_REQUEST, again.error().condition(), "no longer online");
    }

    @Test
    void resubscribeSendsSubscribeAndUnknownNodesAreItemNotFound() {
        CoreFixture f = fixture();
        String label = f.out.withChild("resub", execute("resubscribe"));
        f.core.onIq(label, new Iq(ADMIN, COMPONENT, "c", "set", 1, COMMANDS, null));
        var out = f.out.take();
        assertTrue(out.stream().anyMatch(s -> s.kind() == Kind.PRESENCE && "subscribe".equals(s.presenceType())), out.toString());
        assertTrue(out.stream().anyMatch(s -> s.kind() == Kind.RESULT), out.toString());
        assertEquals(Condition.ITEM_NOT_FOUND, run(f, ADMIN, execute("self-destruct")).error().condition());
    }
}
