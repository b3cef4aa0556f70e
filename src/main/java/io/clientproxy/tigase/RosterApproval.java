package io.clientproxy.tigase;

import io.clientproxy.core.SubscriptionState;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import tigase.server.Packet;
import tigase.server.Permissions;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * Option {@code approve-in-roster}: the component approves its own presence subscription by
 * writing it into the target's roster with Tigase's session manager command
 * {@code user-roster-management} (the script {@code scripts/admin/UserRosterManagement.groovy}
 * that Tigase 8.4 ships), the server-side way an operator would: item = the component's address,
 * subscription {@code from}. A bot that never approves anything (Smack rejects subscription
 * requests by default) is then served all the same.
 *
 * <p>Safety: the command is sent from {@code <bean>@<target's domain>}, a JID that Tigase routes
 * to this component; sess-man runs it only when its {@code commands} ACL grants that JID the
 * command (the operator's opt-in, in Tigase's own terms; without it the answer is
 * {@code forbidden}, logged once). The command touches only the target's roster and only the item
 * of the component's own address, and only while the subscription is not approved: right away
 * when the target denied it, after {@code delayMillis} when it went unanswered (an approved
 * account that is offline also leaves it unanswered: writing {@code from} again changes nothing).
 * A command that fails is retried with a doubling wait, up to {@code maxMillis}.
 */
final class RosterApproval {
    private static final Logger log = Logger.getLogger(RosterApproval.class.getName());

    static final String COMMAND = "user-roster-management";
    static final String COMMANDS_NS = "http://jabber.org/protocol/commands";
    /** How long an answer may take before the command counts as lost. */
    static final long ANSWER_TIMEOUT_MILLIS = 30_000;

    /** What the answer to the command said. */
    enum Outcome { WRITTEN, REFUSED }

    private final JID from;
    private final JID sessionManager;
    private final String owner;
    private final String item;
    private final Consumer<Packet> send;
    private final long delayMillis;
    private final long maxMillis;

    /** The id of the command awaiting its answer; volatile: every packet checks it without the lock. */
    private volatile String inFlight;
    private long sentAt;
    /** When the command may go out next; -1 until a not-approved state is first seen. */
    private long dueAt = -1;
    private int failures;
    private boolean refusalLogged;
    private long written;

    /**
     * @param from           {@code <bean>@<target's domain>}: what sess-man's ACL must name
     * @param owner          the target's bare JID (whose roster changes)
     * @param item           the component's address (the roster item written)
     * @param delayMillis    how long an unanswered subscription request waits before the command
     * @param maxMillis      the longest wait between failed commands
     */
    RosterApproval(JID from, String owner, String item, Consumer<Packet> send, long delayMillis, long maxMillis) {
        this.from = from;
        this.sessionManager = JID.jidInstanceNS("sess-man", from.getDomain(), null);
        this.owner = owner;
        this.item = item;
        this.send = send;
        this.delayMillis = delayMillis;
        this.maxMillis = maxMillis;
    }

    /** Called about once a second: sends the command when the subscription needs it and it is due. */
    synchronized void tick(SubscriptionState state, long now) {
        if (state == SubscriptionState.SUBSCRIBED || state == SubscriptionState.NEVER_ASKED
                || state == SubscriptionState.BOUNCING) {
            // Approved, not asked yet, or no such account (nothing to write into): nothing to do.
            dueAt = -1;
            return;
        }
        if (inFlight != null) {
            if (now - sentAt < ANSWER_TIMEOUT_MILLIS) {
                return;
            }
            log.warning(() -> "no answer from " + sessionManager + " to the " + COMMAND + " command within "
                    + ANSWER_TIMEOUT_MILLIS / 1000 + " s; trying again later");
            inFlight = null;
            scheduleRetry(now);
            return;
        }
        if (dueAt < 0) {
            dueAt = state == SubscriptionState.DENIED ? now : now + delayMillis;
        }
        if (now >= dueAt) {
            sendCommand(now);
        }
    }

    private void sendCommand(long now) {
        inFlight = "client-proxy-roster-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        sentAt = now;
        Element iq = Elements.create("iq");
        iq.setXMLNS(Packet.CLIENT_XMLNS);
        iq.setAttribute("type", "set");
        iq.setAttribute("id", inFlight);
        iq.setAttribute("from", from.toString());
        iq.setAttribute("to", sessionManager.toString());
        Element command = Elements.create("command");
        command.setXMLNS(COMMANDS_NS);
        command.setAttribute("node", COMMAND);
        command.setAttribute("action", "execute");
        Element form = Elements.create("x");
        form.setXMLNS("jabber:x:data");
        form.setAttribute("type", "submit");
        // The fields of UserRosterManagement.groovy (Tigase 8.4.0); all but groups are required.
        // Each child complete before it is appended: append adds a copy.
        Elements.append(form, field("rosterOwnerJID", owner));
        Elements.append(form, field("jidToManipulate", item));
        Elements.append(form, field("operationType", "addJid"));
        Elements.append(form, field("subscriptionType", "from"));
        Elements.append(command, form);
        Elements.append(iq, command);
        Packet packet = Packet.packetInstance(iq, from, sessionManager);
        // sess-man hands a command to its scripts only from a packet with permissions; a component's
        // packet has none. Who may run the command is still decided by sess-man's ACL on 'from'.
        packet.setPermissions(Permissions.LOCAL);
        log.fine(() -> "asking " + sessionManager + " to write " + item + " (subscription from) into " + owner
                + "'s roster");
        send.accept(packet);
    }

    private static Element field(String var, String value) {
        Element field = Elements.create("field");
        field.setAttribute("var", var);
        Elements.append(field, Elements.create("value", value));
        return field;
    }

    /**
     * The answer to the command, when {@code packet} is it (then the caller handles nothing else
     * of it); null for any other packet.
     */
    Outcome onPacket(Packet packet, long now) {
        // Every stanza to the component passes here: no lock unless a command awaits its answer.
        return inFlight == null ? null : answer(packet, now);
    }

    private synchronized Outcome answer(Packet packet, long now) {
        if (inFlight == null || !"iq".equals(packet.getElemName())
                || !inFlight.equals(Elements.attribute(packet.getElement(), "id"))
                || packet.getStanzaFrom() == null || !sessionManager.equals(packet.getStanzaFrom().copyWithoutResource())) {
            return null;
        }
        inFlight = null;
        String type = Elements.attribute(packet.getElement(), "type");
        String problem = "result".equals(type) ? formError(packet.getElement()) : "error: " + errorOf(packet.getElement());
        if (problem == null) {
            written++;
            failures = 0;
            refusalLogged = false;
            dueAt = -1;
            log.info(() -> "wrote " + item + " (subscription from) into " + owner + "'s roster with " + sessionManager
                    + "'s " + COMMAND + " command (option approve-in-roster): the target need not approve");
            return Outcome.WRITTEN;
        }
        Level level = refusalLogged ? Level.FINE : Level.WARNING;
        refusalLogged = true;
        String lower = problem.toLowerCase(java.util.Locale.ROOT);
        // A refusal for want of rights (sess-man's "forbidden", the script's "do not have enough
        // permissions") gets the configuration that grants them; other failures speak for themselves.
        String hint = lower.contains("forbidden") || lower.contains("permission") || lower.contains("not-authorized")
                || lower.contains("item-not-found") || lower.contains("feature-not-implemented")
                ? ". Option approve-in-roster needs the command granted to " + from + " in config.tdsl: 'sess-man' { "
                + "commands { '" + COMMAND + "' = [ '" + from + "' ] } } (a JID with a local part: Tigase 8.4 lets "
                + "anyone through for a bare domain there), and the script scripts/admin/UserRosterManagement.groovy"
                : "; asking again later";
        log.log(level, () -> sessionManager + " refused the " + COMMAND + " command for " + owner + " (" + problem + ")"
                + hint);
        scheduleRetry(now);
        return Outcome.REFUSED;
    }

    private void scheduleRetry(long now) {
        failures++;
        long wait = Math.max(1, delayMillis) << Math.min(failures - 1, 20);
        dueAt = now + Math.min(wait, Math.max(maxMillis, delayMillis));
    }

    /** What the script reports when it wrote the item (field "Note" of UserRosterManagement.groovy, 8.4.0). */
    static final String SUCCESS_NOTE = "Operation successful";

    /**
     * Null when the result form says the item was written; otherwise what it says instead. The
     * script reports its own refusals as a result with an "Error" field, and Tigase reports a
     * script that failed (say, no such account) as a result with Note "Script execution error."
     * and an "Error message" field: a result alone proves nothing.
     */
    private static String formError(Element iq) {
        Element command = Elements.child(iq, "command", COMMANDS_NS);
        Element form = command == null ? null : Elements.child(command, "x", "jabber:x:data");
        List<Element> fields = form == null ? null : form.getChildren();
        StringBuilder said = new StringBuilder();
        boolean success = false;
        if (fields != null) {
            for (Element f : fields) {
                Element v = Elements.child(f, "value");
                String value = v == null ? "" : String.valueOf(v.getCData());
                String var = Elements.attribute(f, "var");
                if ("Note".equals(var) && SUCCESS_NOTE.equals(value)) {
                    success = true;
                } else if (var != null && !var.startsWith("Debug")) {
                    said.append(said.length() == 0 ? "" : "; ").append(var).append(": ").append(value);
                }
            }
        }
        return success && said.length() == 0 ? null : "result: " + (said.length() == 0 ? "no note" : said);
    }

    private static String errorOf(Element iq) {
        Element error = Elements.child(iq, "error");
        List<Element> children = error == null ? null : error.getChildren();
        StringBuilder sb = new StringBuilder();
        if (children != null) {
            for (Element c : children) {
                sb.append(sb.length() == 0 ? "" : " ").append("text".equals(c.getName()) ? c.getCData() : c.getName());
            }
        }
        return sb.length() == 0 ? String.valueOf(error) : sb.toString();
    }

    /** Times the command wrote the item (statistics). */
    synchronized long written() {
        return written;
    }
}
