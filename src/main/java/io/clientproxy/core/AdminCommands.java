package io.clientproxy.core;

import java.util.Map;
import java.util.UUID;

/**
 * The ad-hoc commands (XEP-0050) that the proxy offers its administrators: look at the online
 * resources and the counters, drop a resource, ask the target for its presence again. Results
 * are XEP-0004 forms, which any client with ad-hoc support shows.
 */
final class AdminCommands {
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

    private final ProxyCore<?> core;

    AdminCommands(ProxyCore<?> core) {
        this.core = core;
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
                core.start();
                yield new Reply(response(command, session, "completed")
                        .add(note("info", "Subscription request sent to " + core.settings().target())), null);
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
            for (TargetResource r : core.resources().snapshot()) {
                field.add(Payload.of("option", null).attr("label", r.toString()).addText("value", r.jid().toString()));
            }
            Payload form = Payload.of("x", DATA_NS).attr("type", "form")
                    .addText("title", "Drop a resource of " + core.settings().target())
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
        if (!core.dropResource(jid)) {
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
                .addText("title", "Online resources of " + core.settings().target())
                .addText("instructions", "subscription to the target's presence: " + core.subscriptionState().key());
        x.add(Payload.of("reported", null)
                .add(field("resource", "Resource", null))
                .add(field("priority", "Priority", null))
                .add(field("pending", "Requests in flight", null))
                .add(field("node", "Cluster node", null)));
        for (TargetResource r : core.resources().snapshot()) {
            x.add(Payload.of("item", null)
                    .add(field("resource", null, r.jid().toString()))
                    .add(field("priority", null, String.valueOf(r.priority())))
                    .add(field("pending", null, String.valueOf(r.inFlight())))
                    .add(field("node", null, r.node() == null ? core.localNode() : r.node())));
        }
        return x;
    }

    private Payload counters() {
        Payload x = Payload.of("x", DATA_NS).attr("type", "result").addText("title", "Counters of " + core.component());
        x.add(field("subscription", "subscription", core.subscriptionState().key()));
        x.add(field("pending", "pending", String.valueOf(core.pendingCount())));
        x.add(field("online-resources", "online-resources", String.valueOf(core.resources().size())));
        x.add(field("mappings", "mappings", String.valueOf(core.mappingCount())));
        for (Map.Entry<String, Long> e : core.counters().snapshot().entrySet()) {
            x.add(field(e.getKey(), e.getKey(), String.valueOf(e.getValue())));
        }
        for (Map.Entry<String, Long> e : core.adapterCounters().entrySet()) {
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
