package io.clientproxy.standalone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * <p>From {@link StandaloneProxy#statistics()}: the gauges {@code connected}, {@code pending},
 * {@code online-resources}, {@code mappings}, {@code backlog} and {@code service-subscribers} become
 * {@code clientproxy_connected} and so on; {@code errors/<condition>} becomes
 * {@code clientproxy_errors_sent_total{condition="<condition>"}}, {@code dropped/<reason>}
 * {@code clientproxy_dropped_total{reason="<reason>"}}, and every other count
 * {@code clientproxy_<name>_total}; as format 0.0.4 wants, a counter's HELP and TYPE lines name it
 * with its {@code _total}. The subscription state is
 * {@code clientproxy_subscription{state="<state>"} 1}. Per resource of the target, see
 * {@link Resource}.
 */
final class MetricsText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Set<String> GAUGES = Set.of("connected", "pending", "online-resources", "mappings", "backlog",
            "service-subscribers");
    private static final Map<String, String> GAUGE_HELP = Map.of(
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
        Map<String, Long> errors = new LinkedHashMap<>();
        Map<String, Long> drops = new LinkedHashMap<>();
        List<Map.Entry<String, Long>> counters = new ArrayList<>();
        for (Map.Entry<String, Long> e : statistics.entrySet()) {
            String key = e.getKey();
            if (GAUGES.contains(key)) {
                String name = "clientproxy_" + snake(key);
                family(out, name, "gauge", GAUGE_HELP.get(key));
                sample(out, name, "", e.getValue());
            } else if (key.startsWith("errors/")) {
                errors.put(key.substring("errors/".length()), e.getValue());
            } else if (key.startsWith("dropped/")) {
                drops.put(key.substring("dropped/".length()), e.getValue());
            } else if (!key.equals("errors-sent")) {
                counters.add(e);
            }
        }
        family(out, "clientproxy_subscription", "gauge", "the state of the subscription to the target's presence (1 for the current state)");
        sample(out, "clientproxy_subscription", label("state", subscriptionState), 1);
        for (Map.Entry<String, Long> e : counters) {
            String name = "clientproxy_" + snake(e.getKey());
            family(out, name + "_total", "counter", "count of " + e.getKey() + " (docs/behaviour.md, docs/standalone.md)");
            sample(out, name + "_total", "", e.getValue());
        }
        family(out, "clientproxy_errors_sent_total", "counter", "error stanzas the proxy sent, by RFC 6120 condition");
        errors.forEach((condition, n) -> sample(out, "clientproxy_errors_sent_total", label("condition", condition), n));
        family(out, "clientproxy_dropped_total", "counter", "stanzas dropped without an answer, by reason");
        drops.forEach((reason, n) -> sample(out, "clientproxy_dropped_total", label("reason", reason), n));
        renderResources(out, resources);
        return out.toString();
    }

    private static void renderResources(StringBuilder out, List<Resource> resources) {
        if (resources.isEmpty()) {
            return;
        }
        family(out, "clientproxy_resource_state", "gauge", "a resource of the target and its state (1 for the current state)");
        for (Resource r : resources) {
            sample(out, "clientproxy_resource_state", label("resource", r.resource()) + "," + label("state", r.state()), 1);
        }
        Map<String, List<Resource>> byCount = new LinkedHashMap<>();
        for (Resource r : resources) {
            for (String count : r.counts().keySet()) {
                byCount.computeIfAbsent(count, k -> new ArrayList<>()).add(r);
            }
        }
        byCount.forEach((count, rs) -> {
            String name = "clientproxy_resource_" + snake(count);
            family(out, name + "_total", "counter", count + " of a resource of the target");
            for (Resource r : rs) {
                sample(out, name + "_total", label("resource", r.resource()), r.counts().get(count));
            }
        });
        family(out, "clientproxy_resource_latency_seconds", "summary", "time from forwarding a request to a resource to its answer");
        for (Resource r : resources) {
            r.latencyMillis().forEach((q, ms) -> sample(out, "clientproxy_resource_latency_seconds",
                    label("resource", r.resource()) + "," + label("quantile", Double.toString(q)), ms / 1000.0));
        }
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
