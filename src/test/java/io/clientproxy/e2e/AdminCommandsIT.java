package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.answer;
import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.get;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static io.clientproxy.e2e.FeatureFixture.reply;
import static io.clientproxy.e2e.FeatureFixture.resourceOf;
import static io.clientproxy.e2e.FeatureFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.ListSingleFormField;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * README "Admin commands": ad-hoc commands (XEP-0050) at {@code proxy.localhost}, run with Smack's
 * {@link AdHocCommandManager}, for the standalone {@code admins} ({@code root@localhost}); alice
 * is no admin. The target {@code bot} has resources a (priority 10) and b (priority 0), and the
 * balancer is {@code priority}, so requests go to a while it is in the pool.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class AdminCommandsIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";
    static final Set<String> COMMANDS = Set.of("list-resources", "counters", "drop-resource", "resubscribe");

    static final Map<String, FeatureBot> bots = new TreeMap<>();
    static XMPPTCPConnection root;
    static XMPPTCPConnection alice;
    static final List<Object> closeables = new ArrayList<>();
    private StandaloneProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "root", "alice");
        bots.put("a", FeatureFixture.bot("bot", "a", 10));
        bots.put("b", FeatureFixture.bot("bot", "b", 0));
        closeables.addAll(bots.values());
        root = FeatureFixture.user("root", "console");
        alice = FeatureFixture.user("alice", "phone");
        closeables.addAll(List.of(root, alice));
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @AfterEach
    void stopProxy() throws Exception {
        for (FeatureBot b : bots.values()) {
            b.releaseHeld();
        }
        FeatureFixture.closeProxies();
    }

    private void startProxy() throws InterruptedException {
        proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("admins", "root@localhost").set("balancer", "priority"), 2);
        FeatureFixture.awaitResources(proxy, Map.of("a", 10, "b", 0));
    }

    private static RemoteCommand command(XMPPTCPConnection who, String node) {
        return AdHocCommandManager.getAddHocCommandsManager(who).getRemoteCommand(jid(COMPONENT), node);
    }

    /** Runs a one-step command as root; asserts it completed and returns its form. */
    private static RemoteCommand run(String node) throws Exception {
        RemoteCommand c = command(root, node);
        c.execute();
        assertEquals(AdHocCommand.Status.completed, c.getStatus(), () -> node + ": " + c.getRaw());
        return c;
    }

    /** list-resources as root: resource JID -> [priority, requests in flight]. */
    private static Map<String, List<String>> listResources() throws Exception {
        DataForm form = run("list-resources").getForm();
        assertEquals(DataForm.Type.result, form.getType());
        Map<String, List<String>> out = new TreeMap<>();
        for (DataForm.Item item : form.getItems()) {
            Map<String, String> fields = new TreeMap<>();
            for (FormField f : item.getFields()) {
                fields.put(f.getFieldName(), f.getFirstValue());
            }
            out.put(fields.get("resource"), List.of(fields.get("priority"), fields.get("pending")));
        }
        return out;
    }

    private static List<String> notes(AdHocCommand c) {
        List<String> out = new ArrayList<>();
        for (AdHocCommandNote n : c.getNotes()) {
            out.add(n.getValue());
        }
        return out;
    }

    /** drop-resource as root in two steps: execute (a form asks which), then complete with {@code resource}. */
    private static RemoteCommand drop(String resource, Set<String> expectedOptions) throws Exception {
        RemoteCommand drop = command(root, "drop-resource");
        drop.execute();
        assertEquals(AdHocCommand.Status.executing, drop.getStatus(), drop::getRaw);
        DataForm form = drop.getForm();
        assertEquals(DataForm.Type.form, form.getType());
        FormField field = form.getField("resource");
        assertEquals(FormField.Type.list_single, field.getType(), () -> "a list-single field: " + form.toXML());
        Set<String> options = new TreeSet<>();
        for (FormField.Option o : ((ListSingleFormField) field).getOptions()) {
            options.add(o.getValueString());
        }
        assertEquals(expectedOptions, options, "the online resources to choose from");
        FillableForm answer = new FillableForm(form);
        answer.setAnswer("resource", resource);
        drop.complete(answer);
        return drop;
    }

    @Test
    void adminsDiscoverTheCommandsOthersSeeNone() throws Exception {
        startProxy();
        DiscoverItems items = AdHocCommandManager.getAddHocCommandsManager(root).discoverCommands(jid(COMPONENT));
        Set<String> nodes = new TreeSet<>();
        for (DiscoverItems.Item item : items.getItems()) {
            nodes.add(item.getNode());
            assertEquals(COMPONENT, String.valueOf(item.getEntityID()), "the commands are at the component");
        }
        assertEquals(COMMANDS, nodes);
        assertEquals(COMPONENT, String.valueOf(items.getFrom()));

        DiscoverItems none = AdHocCommandManager.getAddHocCommandsManager(alice).discoverCommands(jid(COMPONENT));
        assertTrue(none.getItems().isEmpty(), "a non-admin sees an empty list: " + none.toXML());
        assertEquals(0, proxy.core().counters().get(Counter.REQUESTS_FORWARDED), "answered by the proxy, not the target");
    }

    @Test
    void aNonAdminIsForbiddenEveryCommand() throws Exception {
        startProxy();
        for (String node : COMMANDS) {
            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> command(alice, node).execute(), node);
            assertEquals(StanzaError.Condition.forbidden, e.getStanzaError().getCondition(), node);
            assertEquals(StanzaError.Type.AUTH, e.getStanzaError().getType(), node);
            assertEquals(COMPONENT, String.valueOf(e.getStanza().getFrom()));
        }
        XMPPException.XMPPErrorException info = assertThrows(XMPPException.XMPPErrorException.class,
                () -> ServiceDiscoveryManager.getInstanceFor(alice).discoverInfo(jid(COMPONENT), "drop-resource"));
        assertEquals(StanzaError.Condition.forbidden, info.getStanzaError().getCondition());
        assertEquals(0, proxy.core().counters().get(Counter.COMMANDS_RUN));
        assertEquals(2, proxy.core().resources().size(), "nothing was dropped");
    }

    @Test
    void listResourcesShowsPriorityAndRequestsInFlight() throws Exception {
        startProxy();
        assertEquals(Map.of("bot@localhost/a", List.of("10", "0"), "bot@localhost/b", List.of("0", "0")), listResources());

        StanzaCollector held = send(alice, get(COMPONENT, FeatureBot.HOLD));
        await(() -> bots.get("a").heldCount() == 1, () -> "a holds the request");
        assertEquals(Map.of("bot@localhost/a", List.of("10", "1"), "bot@localhost/b", List.of("0", "0")), listResources());
        held.cancel();
    }

    @Test
    void countersShowTheProxysCounters() throws Exception {
        startProxy();
        for (int i = 0; i < 3; i++) {
            ask(alice, COMPONENT, "count me " + i);
        }
        DataForm form = run("counters").getForm();
        assertEquals("3", form.getField("requests-forwarded").getFirstValue(), form.toXML().toString());
        assertEquals("3", form.getField("replies-delivered").getFirstValue());
        assertEquals("2", form.getField("online-resources").getFirstValue());
        assertEquals("0", form.getField("pending").getFirstValue());
        // The standalone connection's own counters are there too, not only in the summary line.
        assertEquals("0", form.getField("connection-losses").getFirstValue(), form.toXML().toString());
        assertEquals("0", form.getField("read-timeouts").getFirstValue());
    }

    @Test
    void dropResourceAsksWhichAndMovesItsPendingGetToTheOther() throws Exception {
        startProxy();
        FeatureIq request = get(COMPONENT, FeatureBot.HOLD_AT + "a");
        StanzaCollector pending = send(alice, request);
        await(() -> bots.get("a").heldCount() == 1, () -> "a holds the request");

        RemoteCommand drop = drop("bot@localhost/a", Set.of("bot@localhost/a", "bot@localhost/b"));
        assertEquals(AdHocCommand.Status.completed, drop.getStatus(), drop::getRaw);
        assertTrue(notes(drop).stream().anyMatch(n -> n.contains("bot@localhost/a")), "says what it dropped: " + notes(drop));

        FeatureIq moved = answer(reply(pending), COMPONENT);
        assertEquals("b", resourceOf(moved), "the pending get moved to the other resource");
        assertEquals(Map.of("bot@localhost/b", List.of("0", "0")), listResources());
        assertEquals("b", resourceOf(ask(alice, COMPONENT, "after the drop")), "a gets nothing until its next presence");
        assertEquals(1, proxy.core().counters().get(Counter.REQUESTS_MOVED));

        // A resource that is not online cannot be dropped.
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                () -> drop("bot@localhost/a", Set.of("bot@localhost/b")));
        assertEquals(StanzaError.Condition.bad_request, e.getStanzaError().getCondition());
        assertEquals(StanzaError.Type.MODIFY, e.getStanzaError().getType());

        // Its next presence brings it back.
        bots.get("a").available(10);
        FeatureFixture.awaitResources(proxy, Map.of("a", 10, "b", 0));
        assertEquals("a", resourceOf(ask(alice, COMPONENT, "a is back")));
    }

    @Test
    void resubscribeProbesAgainAndFindsADroppedResource() throws Exception {
        startProxy();
        drop("bot@localhost/a", Set.of("bot@localhost/a", "bot@localhost/b"));
        FeatureFixture.awaitResources(proxy, Map.of("b", 0));
        long probes = proxy.core().counters().get(Counter.PROBES_SENT);
        long subscribes = proxy.core().counters().get(Counter.SUBSCRIBES_SENT);

        RemoteCommand resubscribe = run("resubscribe");
        assertTrue(notes(resubscribe).stream().anyMatch(n -> n.contains(TARGET)), "says what it did: " + notes(resubscribe));
        assertEquals(subscribes + 1, proxy.core().counters().get(Counter.SUBSCRIBES_SENT));
        // subscribed comes back, then the probe, and the server reports a's presence again.
        FeatureFixture.awaitResources(proxy, Map.of("a", 10, "b", 0));
        assertEquals(probes + 1, proxy.core().counters().get(Counter.PROBES_SENT));
        assertEquals(Map.of("bot@localhost/a", List.of("10", "0"), "bot@localhost/b", List.of("0", "0")), listResources());
    }

    @Test
    void aCanceledDropLeavesTheResources() throws Exception {
        startProxy();
        RemoteCommand drop = command(root, "drop-resource");
        drop.execute();
        assertEquals(AdHocCommand.Status.executing, drop.getStatus());
        drop.cancel();
        assertEquals(AdHocCommand.Status.canceled, drop.getStatus(), drop::getRaw);
        assertEquals(Map.of("a", 10, "b", 0), FeatureFixture.resources(proxy));
        assertEquals("a", resourceOf(ask(alice, COMPONENT, "still a")));
    }

    @Test
    void anUnknownCommandIsItemNotFound() throws Exception {
        startProxy();
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                () -> command(root, "no-such-command").execute());
        assertEquals(StanzaError.Condition.item_not_found, e.getStanzaError().getCondition());
        assertEquals(COMPONENT, String.valueOf(e.getStanza().getFrom()));
    }
}
