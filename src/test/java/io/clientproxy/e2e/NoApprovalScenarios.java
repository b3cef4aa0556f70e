package io.clientproxy.e2e;

import static io.clientproxy.e2e.ProxyFixture.ask;
import static io.clientproxy.e2e.ProxyFixture.get;
import static io.clientproxy.e2e.ProxyFixture.jid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;

/**
 * Issue 19, item 11, on a real Tigase (part of {@code scripts/verify-tigase}): a bot that never
 * approves anything (Smack's default, {@code reject_all}, answers every subscription request with
 * {@code unsubscribed}) still gets served, in the two Tigase ways docs/tigase.md describes:
 * <ul>
 * <li>{@code roster-command}: Tigase's admin runs sess-man's ad-hoc command
 * {@code user-roster-management} once (bean {@value #SHY_BEAN}, target {@code shy@localhost});</li>
 * <li>{@code approve-in-roster}: the component runs that command itself (bean {@value #AUTO_BEAN} with
 * option {@code approve-in-roster}, granted in sess-man's {@code commands} ACL, {@link #CONFIG}).</li>
 * </ul>
 */
final class NoApprovalScenarios {
    static final String SHY = "shy";
    static final String AUTO = "auto";
    /**
     * The beans' names: never a target's local part. Tigase routes {@code <name>@<vhost>} to the
     * component called {@code name} (MessageRouter.getLocalComponent), so a bean named {@code shy}
     * would take every stanza meant for {@code shy@localhost}.
     */
    static final String SHY_BEAN = "shy-svc";
    static final String AUTO_BEAN = "auto-svc";
    static final String DOMAIN = TigaseInstallation.DOMAIN;
    /** Generous: on a loaded machine the refusal came 35 s after the account existed (registration included). */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** sess-man grants user-roster-management to the auto bean's command address (a JID: never a bare domain). */
    static final String CONFIG = "'sess-man' () {\n    commands {\n        'user-roster-management' = [ '" + AUTO_BEAN
            + "@" + DOMAIN + "' ]\n    }\n}\n";

    private final TigaseInstallation tigase;
    private final XMPPTCPConnection alice;
    private final Consumer<XMPPTCPConnection> users;

    /** @param users receives every connection opened here, to be closed at the end */
    NoApprovalScenarios(TigaseInstallation tigase, XMPPTCPConnection alice, Consumer<XMPPTCPConnection> users) {
        this.tigase = tigase;
        this.alice = alice;
        this.users = users;
    }

    static List<TigaseInstallation.Bean> beans(Map<String, String> options) {
        Map<String, String> auto = new LinkedHashMap<>(options);
        auto.put("approve-in-roster", "true");
        return List.of(new TigaseInstallation.Bean(SHY_BEAN, SHY + "@" + DOMAIN, options),
                new TigaseInstallation.Bean(AUTO_BEAN, AUTO + "@" + DOMAIN, auto));
    }

    /** The operator's way: the bot refuses; Tigase's admin writes the roster item with sess-man's command; served. */
    String rosterCommand() throws Exception {
        String component = SHY_BEAN + "." + DOMAIN;
        register(SHY);
        connectRefusingBot(SHY);
        long t0 = System.nanoTime();
        String refused = awaitError(component, "denied");
        long deniedMs = (System.nanoTime() - t0) / 1_000_000;

        XMPPTCPConnection admin = tigase.connect(TigaseVerifyIT.ADMIN, ProxyFixture.password(TigaseVerifyIT.ADMIN),
                "roster", TigaseVerifyIT.CLIENT_TIMEOUT, true);
        users.accept(admin);
        AdHocCommandData command = new AdHocCommandData();
        command.setType(IQ.Type.set);
        command.setTo(jid("sess-man@" + DOMAIN));
        command.setNode("user-roster-management");
        command.setAction(AdHocCommand.Action.execute);
        command.setForm(DataForm.builder(DataForm.Type.submit)
                .addField(FormField.textSingleBuilder("rosterOwnerJID").setValue(SHY + "@" + DOMAIN).build())
                .addField(FormField.textSingleBuilder("jidToManipulate").setValue(component).build())
                .addField(FormField.textSingleBuilder("operationType").setValue("addJid").build())
                .addField(FormField.textSingleBuilder("subscriptionType").setValue("from").build())
                .build());
        long t1 = System.nanoTime();
        AdHocCommandData done = admin.sendIqRequestAndWaitForResponse(command);
        String note = done.getForm() == null || done.getForm().getField("Note") == null ? String.valueOf(done.toXML())
                : done.getForm().getField("Note").getFirstValue();
        assertEquals("Operation successful", note, "sess-man's answer");
        long servedMs = awaitServed(component);
        return "the bot refused (" + refused + ", " + deniedMs + " ms after it existed); after the admin's "
                + "user-roster-management command (" + note + ") served in " + servedMs + " ms, "
                + (System.nanoTime() - t1) / 1_000_000 + " ms after the command; the bot approved nothing";
    }

    /** The component's way: the bot refuses (and never sees a request it could approve); served anyway. */
    String approveInRoster() throws Exception {
        String component = AUTO_BEAN + "." + DOMAIN;
        register(AUTO);
        long t0 = System.nanoTime();
        connectRefusingBot(AUTO);
        long servedMs = awaitServed(component);
        // Served and staying served: a few more requests over two seconds.
        for (int i = 0; i < 5; i++) {
            Thread.sleep(400);
            EchoIq request = get("again" + i, component);
            IQ reply = ask(alice, request);
            assertEquals(IQ.Type.result, reply.getType(), "still served: " + reply.toXML());
        }
        return "the bot refuses every subscription request; served " + servedMs + " ms after it existed ("
                + (System.nanoTime() - t0) / 1_000_000 + " ms with 5 more requests)";
    }

    /**
     * In-band registration, tried up to three times: registrations here failed now and then in
     * TLS ("Tag mismatch", "Unsupported or unrecognized SSL message") on a loaded machine, cause
     * not established (the account is one the component keeps sending subscription requests to,
     * and Tigase logged one of them reaching the registering, unauthorised session). A retry that
     * finds the account already there ({@code conflict}) is done.
     */
    private void register(String user) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                tigase.register(user, ProxyFixture.password(user));
                return;
            } catch (RuntimeException e) {
                if (attempt > 0 && String.valueOf(e.getMessage()).contains("conflict")) {
                    return;
                }
                last = e;
                Thread.sleep(500);
            }
        }
        throw last;
    }

    /**
     * A bot with Smack's default subscription mode: every subscription request is refused (and no
     * {@link EchoBot}, which accepts them). It answers echo requests with {@code "<text> from <from> at r"}.
     */
    private void connectRefusingBot(String user) throws Exception {
        Roster.SubscriptionMode before = Roster.getDefaultSubscriptionMode();
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.reject_all);
        try {
            XMPPTCPConnection conn = tigase.connect(user, ProxyFixture.password(user), "r", TigaseVerifyIT.CLIENT_TIMEOUT,
                    false);
            users.accept(conn);
            assertEquals(Roster.SubscriptionMode.reject_all, Roster.getInstanceFor(conn).getSubscriptionMode());
            XmppClients.answerRequests(conn, EchoIq.ELEMENT, EchoIq.NAMESPACE,
                    (EchoIq request) -> EchoBot.resultFor(request, request.text() + " from " + request.getFrom() + " at r"));
            XmppClients.sendPresence(conn, 0);
        } finally {
            Roster.setDefaultSubscriptionMode(before);
        }
    }

    /** Until a request to {@code component} gets service-unavailable with a text containing {@code word}; the text. */
    private String awaitError(String component, String word) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            IQ reply = ask(alice, get("before", component));
            if (reply.getType() == IQ.Type.error) {
                StanzaError e = reply.getError();
                String text = e.getCondition() + ": " + e.getDescriptiveText();
                if (e.getCondition() == StanzaError.Condition.service_unavailable && text.contains(word)) {
                    return text;
                }
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text)) {
                    seen.add(text);
                }
            } else {
                seen.add("answered: " + reply.toXML());
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no service-unavailable saying '" + word + "' within " + WAIT.toSeconds() + " s: " + seen);
    }

    /** Until a request to {@code component} is answered by the bot; the ms it took. */
    private long awaitServed(String component) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            EchoIq request = get("served", component);
            IQ reply = ask(alice, request);
            if (reply.getType() == IQ.Type.result) {
                assertTrue(((EchoIq) reply).text().endsWith(" at r"), ((EchoIq) reply).text());
                return (System.nanoTime() - t0) / 1_000_000;
            }
            last = reply.getError() == null ? reply.toXML().toString() : reply.getError().getDescriptiveText();
            Thread.sleep(250);
        }
        throw new AssertionError("not served within " + WAIT.toSeconds() + " s; last: " + last);
    }
}
