package io.clientproxy.core;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The ad-hoc commands (XEP-0050) that the proxy offers its administrators: look at the online
 * resources and the counters, drop a resource, ask the target for its presence again. Results
 * are XEP-0004 forms, which any client with ad-hoc support shows. Only the administrators may run
 * them or see them listed (XEP-0050 2.1, 2.2: the commands node and each command's node are the
 * proxy's own, never forwarded to the target); others get {@code forbidden}.
 */
final class AdminCommands<S> {
    private static final Logger log = Refusals.log;

    static final String NS = "http://jabber.org/protocol/commands";
    static final String DATA_NS = "jabber:x:data";

    /** The commands, by node. */
    enum Command {
        LIST_RESOURCES("list-resources", "List the target's online resources"),
        COUNTERS("counters", "Show the proxy's counters"),
        DROP_RESOURCE("drop-resource", "Drop an online resource of the target"),
        RESUBSCRIBE("resubscribe", "Ask the target for its presence again");

        final String node;
        final String label;

        Command(String node, String label) {
            this.node = node;
            this.label = label;
        }

        static Command of(String node) {
            for (Command c : values()) {
                if (c.node.equals(node)) {
                    return c;
                }
            }
            return null;
        }
    }

    static final StanzaError UNKNOWN_COMMAND = StanzaError.of(Condition.ITEM_NOT_FOUND, "no such command");
    static final StanzaError NO_SUCH_RESOURCE = StanzaError.of(Condition.BAD_REQUEST,
            "that resource is not online; list the resources first");

    /** What a command hands back: a {@code <command/>} payload, or an error for the IQ. */
    record Reply(Payload command, StanzaError error) {
    }

    static final StanzaError ADMINS_ONLY = StanzaError.of(Condition.FORBIDDEN,
            "the proxy's commands are for its administrators");

    private final ProxySettings settings;
    private final Jid component;
    private final Outbox<S> outbox;
    private final ProxyCounters counters;
    private final ResourcePool pool;
    private final JatTable<S> table;
    private final PendingTable<S> pending;
    private final Refusals<S> refusals;
    private final TargetPresence<S> presence;
    private final ClusterNode<S> cluster;
    /** For how long a resource has been in its health state (monotonic ms). */
    private final LongSupplier clock;
    private volatile Predicate<Jid> admins = jid -> false;
    /** The adapter's own counters, for the {@code counters} command. */
    private volatile Supplier<Map<String, Long>> adapterCounters = Map::of;

    AdminCommands(ProxySettings settings, Jid component, Outbox<S> outbox, ProxyCounters counters, ResourcePool pool,
                  JatTable<S> table, PendingTable<S> pending, Refusals<S> refusals, TargetPresence<S> presence,
                  ClusterNode<S> cluster, LongSupplier clock) {
        this.settings = settings;
        this.component = component;
        this.outbox = outbox;
        this.counters = counters;
        this.pool = pool;
        this.table = table;
        this.pending = pending;
        this.refusals = refusals;
        this.presence = presence;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** Who may run the commands. */
    void admins(Predicate<Jid> admins) {
        this.admins = Objects.requireNonNull(admins, "admins");
    }

    /** The adapter's counters, shown by {@code counters} after the core's. */
    void adapterCounters(Supplier<Map<String, Long>> counters) {
        this.adapterCounters = Objects.requireNonNull(counters, "counters");
    }

    /** A set whose child is {@code <command/>}: run for an admin, {@code forbidden} for anyone else. */
    void run(S stanza, Jid from, Jid to) {
        if (!admins.test(to)) {
            refusals.reject(stanza, from, to, ADMINS_ONLY);
            return;
        }
        Reply reply = execute(outbox.childOf(stanza));
        if (reply.error() != null) {
            refusals.reject(stanza, from, to, reply.error());
        } else {
            counters.count(Counter.COMMANDS_RUN);
            log.info(() -> "admin " + to + " ran command " + reply.command().attr("node") + " (" + reply.command().attr("status") + ")");
            outbox.result(stanza, from, to, reply.command());
        }
    }

    /** A disco query about the commands node or one command: the proxy's own, never the target's. */
    boolean isAboutCommands(S stanza, String namespace) {
        if (!DiscoInfo.INFO_NS.equals(namespace) && !DiscoInfo.ITEMS_NS.equals(namespace)) {
            return false;
        }
        Payload query = outbox.childOf(stanza);
        String node = query == null ? null : query.attr("node");
        return node != null && (DiscoInfo.ITEMS_NS.equals(namespace) ? NS.equals(node) : Command.of(node) != null);
    }

    /** Answers a disco query {@link #isAboutCommands about the commands}: the list for admins, an empty one for others. */
    void answerDisco(S stanza, Jid from, Jid to, String namespace) {
        boolean admin = admins.test(to);
        if (DiscoInfo.ITEMS_NS.equals(namespace)) {
            outbox.result(stanza, from, to, items(from, admin));
        } else if (admin) {
            outbox.result(stanza, from, to, nodeInfo(outbox.childOf(stanza).attr("node")));
        } else {
            refusals.reject(stanza, from, to, ADMINS_ONLY);
        }
    }

    /** The disco#items answer for the commands node: the commands for admins, nothing for others. */
    static Payload items(Jid component, boolean admin) {
        Payload query = Payload.of("query", DiscoInfo.ITEMS_NS).attr("node", NS);
        if (admin) {
            for (Command c : Command.values()) {
                query.add(Payload.of("item", null).attr("jid", component.toString()).attr("node", c.node).attr("name", c.label));
            }
        }
        return query;
    }

    /** The disco#info answer for one command's node (XEP-0050 2.2), or null when the node is none of ours. */
    static Payload nodeInfo(String node) {
        Command c = Command.of(node);
        if (c == null) {
            return null;
        }
        return Payload.of("query", DiscoInfo.INFO_NS).attr("node", node)
                .add(Payload.of("identity", null).attr("category", "automation").attr("type", "command-node").attr("name", c.label))
                .add(Payload.of("feature", null).attr("var", NS))
                .add(Payload.of("feature", null).attr("var", DATA_NS));
    }

    /** Runs {@code <command/>} for an admin. */
    Reply execute(Payload request) {
        String node = request == null ? null : request.attr("node");
        Command command = Command.of(node);
        if (command == null) {
            return new Reply(null, UNKNOWN_COMMAND);
        }
        String session = request.attr("sessionid");
        if ("cancel".equals(request.attr("action"))) {
            return new Reply(response(command, session, "canceled"), null);
        }
        return switch (command) {
            case LIST_RESOURCES -> completed(command, session, resources());
            case COUNTERS -> completed(command, session, counters());
            case RESUBSCRIBE -> {
                presence.subscribe();
                yield new Reply(response(command, session, "completed")
                        .add(note("info", "Subscription request sent to " + settings.target())), null);
            }
            case DROP_RESOURCE -> dropResource(command, session, request);
        };
    }

    private Reply dropResource(Command command, String session, Payload request) {
        Payload submitted = request.child("x", DATA_NS);
        String resource = submitted == null ? null : fieldValue(submitted, "resource");
        if (resource == null) {
            Payload field = Payload.of("field", null).attr("var", "resource").attr("type", "list-single")
                    .attr("label", "Resource to drop");
            for (TargetResource r : pool.snapshot()) {
                field.add(Payload.of("option", null).attr("label", r.toString()).addText("value", r.jid().toString()));
            }
            Payload form = Payload.of("x", DATA_NS).attr("type", "form")
                    .addText("title", "Drop a resource of " + settings.target())
                    .addText("instructions", "Its pending get requests move to another resource; sets are answered with an error.")
                    .add(field);
            Payload actions = Payload.of("actions", null).attr("execute", "complete").add(Payload.of("complete", null));
            return new Reply(response(command, session == null ? UUID.randomUUID().toString() : session, "executing")
                    .add(actions).add(form), null);
        }
        Jid jid;
        try {
            jid = Jid.parse(resource);
        } catch (IllegalArgumentException e) {
            return new Reply(null, NO_SUCH_RESOURCE);
        }
        if (!presence.dropResource(jid)) {
            return new Reply(null, NO_SUCH_RESOURCE);
        }
        return new Reply(response(command, session, "completed").add(note("info", "Dropped " + jid)), null);
    }

    private static String fieldValue(Payload form, String var) {
        for (Payload f : form.children()) {
            if (f.name().equals("field") && var.equals(f.attr("var"))) {
                Payload value = f.child("value", null);
                return value == null || value.text() == null || value.text().isBlank() ? null : value.text().trim();
            }
        }
        return null;
    }

    private Payload resources() {
        Payload x = Payload.of("x", DATA_NS).attr("type", "result")
                .addText("title", "Online resources of " + settings.target())
                .addText("instructions", "subscription to the target's presence: " + presence.subscription().state().key());
        x.add(Payload.of("reported", null)
                .add(field("resource", "Resource", null))
                .add(field("priority", "Priority", null))
                .add(field("pending", "Requests in flight", null))
                .add(field("node", "Cluster node", null))
                .add(field("state", "Health: serving, suspected or out-of-rotation", null))
                .add(field("since", "In that state for (s)", null))
                .add(field("why", "Why", null))
                .add(field("requests", "Requests sent to it", null))
                .add(field("results", "Results", null))
                .add(field("bot-errors", "Its own errors", null))
                .add(field("timeouts", "Timeouts", null))
                .add(field("latency-p50", "Latency p50 (ms)", null))
                .add(field("latency-p99", "Latency p99 (ms)", null))
                .add(field("refused-kinds", "Kinds of request it does not get", null)));
        long now = clock.getAsLong();
        for (TargetResource r : pool.snapshot()) {
            Liveness l = r.liveness();
            ResourceStats s = r.stats();
            x.add(Payload.of("item", null)
                    .add(field("resource", null, r.jid().toString()))
                    .add(field("priority", null, String.valueOf(r.priority())))
                    .add(field("pending", null, String.valueOf(r.inFlight())))
                    .add(field("node", null, r.node() == null ? cluster.localNode() : r.node()))
                    .add(field("state", null, l.state().key()))
                    .add(field("since", null, String.valueOf(Math.max(0, now - l.since()) / 1000)))
                    .add(field("why", null, l.why()))
                    .add(field("requests", null, String.valueOf(s.requests())))
                    .add(field("results", null, String.valueOf(s.results())))
                    .add(field("bot-errors", null, String.valueOf(s.botErrors())))
                    .add(field("timeouts", null, String.valueOf(s.timeouts())))
                    .add(field("latency-p50", null, String.valueOf(s.percentile(0.5))))
                    .add(field("latency-p99", null, String.valueOf(s.percentile(0.99))))
                    .add(field("refused-kinds", null, r.refusedNamespaces(now))));
        }
        return x;
    }

    private Payload counters() {
        Payload x = Payload.of("x", DATA_NS).attr("type", "result").addText("title", "Counters of " + component);
        x.add(field("subscription", "subscription", presence.subscription().state().key()));
        x.add(field("pending", "pending", String.valueOf(pending.pendingCount())));
        x.add(field("online-resources", "online-resources", String.valueOf(pool.size())));
        x.add(field("mappings", "mappings", String.valueOf(table.mappingCount())));
        for (Map.Entry<String, Long> e : counters.snapshot().entrySet()) {
            x.add(field(e.getKey(), e.getKey(), String.valueOf(e.getValue())));
        }
        for (Map.Entry<String, Long> e : adapterCounters.get().entrySet()) {
            x.add(field(e.getKey(), e.getKey(), String.valueOf(e.getValue())));
        }
        return x;
    }

    private static Payload field(String var, String label, String value) {
        Payload f = Payload.of("field", null).attr("var", var).attr("label", label);
        if (value != null) {
            f.addText("value", value);
        }
        return f;
    }

    private static Reply completed(Command command, String session, Payload form) {
        return new Reply(response(command, session, "completed").add(form), null);
    }

    private static Payload response(Command command, String session, String status) {
        return Payload.of("command", NS).attr("node", command.node)
                .attr("sessionid", session == null ? UUID.randomUUID().toString() : session)
                .attr("status", status);
    }

    private static Payload note(String type, String text) {
        return Payload.of("note", null).attr("type", type).text(text);
    }
}
