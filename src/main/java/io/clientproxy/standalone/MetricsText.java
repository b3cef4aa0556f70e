package io.clientproxy.standalone;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's figures in the Prometheus text exposition format, version 0.0.4 (what Prometheus,
 * VictoriaMetrics, Grafana Agent and {@code promtool check metrics} read; OpenMetrics 1.0 parsers
 * read it too). Every name starts with {@code clientproxy_}; a counter family's sample ends in
 * {@code _total}.
 *
 * <p>From {@link StandaloneProxy#statistics()}: a gauge ({@link #GAUGES}) {@code online-resources}
 * becomes {@code clientproxy_online_resources}; {@code errors/<condition>} becomes
 * {@code clientproxy_errors_sent_total{condition="<condition>"}}, {@code dropped/<reason>}
 * {@code clientproxy_dropped_total{reason="<reason>"}}, and every other count
 * {@code clientproxy_<name>_total}; as format 0.0.4 wants, a counter's HELP and TYPE lines name it
 * with its {@code _total}. The subscription state is
 * {@code clientproxy_subscription{state="<state>"} 1}. Per resource of the target, see
 * {@link Resource}.
 */
final class MetricsText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The gauges {@link StandaloneProxy#statistics()} puts first, with their HELP text; every other figure is a count. */
    private static final Map<String, String> GAUGES = Map.of(
            "connected", "1 while the component's stream to the server is up",
            "pending", "requests forwarded to the target and not answered yet",
            "online-resources", "resources of the target known to be online",
            "mappings", "senders with a JAT mapping (token)",
            "backlog", "answers held for senders until the stream is back",
            "service-subscribers", "users this proxy tells when the service comes and goes (subscribed to its presence)");

    /**
     * One resource of the target as exposed: its state and counts, and its answer latency.
     *
     * @param resource      the resourcepart of the target's full JID
     * @param state         e.g. {@code serving}, {@code suspected}, {@code out-of-rotation}
     * @param counts        monotonic counts by name ({@code requests}, {@code results}, ...), each
     *                      exposed as {@code clientproxy_resource_<name>_total{resource="..."}}
     * @param latencyMillis quantile (0..1) to latency in ms, exposed as the summary
     *                      {@code clientproxy_resource_latency_seconds{resource,quantile}}
     */
    record Resource(String resource, String state, Map<String, Long> counts, Map<Double, Double> latencyMillis) {
    }

    private MetricsText() {
    }

    static String render(Map<String, Long> statistics, String subscriptionState, List<Resource> resources) {
        StringBuilder out = new StringBuilder(4096);
        statistics.forEach((key, n) -> {
            if (GAUGES.containsKey(key)) {
                family(out, "clientproxy_" + snake(key), "gauge", GAUGES.get(key));
                sample(out, "clientproxy_" + snake(key), "", n);
            }
        });
        family(out, "clientproxy_subscription", "gauge",
                "the state of the subscription to the target's presence (1 for the current state)");
        sample(out, "clientproxy_subscription", label("state", subscriptionState), 1);
        statistics.forEach((key, n) -> {
            // errors-sent is the sum of the errors/<condition> family: exposing both would count twice.
            if (!GAUGES.containsKey(key) && !key.startsWith("errors/") && !key.startsWith("dropped/")
                    && !key.equals("errors-sent")) {
                String name = "clientproxy_" + snake(key) + "_total";
                family(out, name, "counter", "count of " + key + " (docs/behaviour.md, docs/standalone.md)");
                sample(out, name, "", n);
            }
        });
        labelled(out, statistics, "errors/", "clientproxy_errors_sent_total", "condition",
                "error stanzas the proxy sent, by RFC 6120 condition");
        labelled(out, statistics, "dropped/", "clientproxy_dropped_total", "reason",
                "stanzas dropped without an answer, by reason");
        if (resources.isEmpty()) {
            return out.toString();
        }
        family(out, "clientproxy_resource_state", "gauge", "a resource of the target and its state (1 for the current state)");
        for (Resource r : resources) {
            sample(out, "clientproxy_resource_state", label("resource", r.resource()) + "," + label("state", r.state()), 1);
        }
        Set<String> counts = new LinkedHashSet<>();
        resources.forEach(r -> counts.addAll(r.counts().keySet()));
        for (String count : counts) {
            String name = "clientproxy_resource_" + snake(count) + "_total";
            family(out, name, "counter", count + " of a resource of the target");
            for (Resource r : resources) {
                if (r.counts().containsKey(count)) {
                    sample(out, name, label("resource", r.resource()), r.counts().get(count));
                }
            }
        }
        family(out, "clientproxy_resource_latency_seconds", "summary",
                "time from forwarding a request to a resource to its answer");
        for (Resource r : resources) {
            r.latencyMillis().forEach((q, ms) -> sample(out, "clientproxy_resource_latency_seconds",
                    label("resource", r.resource()) + "," + label("quantile", Double.toString(q)), ms / 1000.0));
        }
        return out.toString();
    }

    /** One counter family whose samples are the statistics named {@code <prefix><label value>}. */
    private static void labelled(StringBuilder out, Map<String, Long> statistics, String prefix, String name, String label,
            String help) {
        family(out, name, "counter", help);
        statistics.forEach((key, n) -> {
            if (key.startsWith(prefix)) {
                sample(out, name, label(label, key.substring(prefix.length())), n);
            }
        });
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    private static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** {@code online-resources} to {@code online_resources}: metric names allow {@code [a-zA-Z0-9_:]}. */
    private static String snake(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }
}
