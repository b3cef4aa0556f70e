package io.clientproxy.standalone;

import io.clientproxy.core.InvalidSettingException;
import io.clientproxy.core.ProxySettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every option the standalone proxy reads: its key (the enum name in lower case with '-'), its
 * default as written in a configuration file, and a one-line description. {@link StandaloneSettings},
 * {@code --help} and the "did you mean" hint all come from this one table. The routing options
 * share their names and defaults with the Tigase component; the connection options are the
 * standalone mode's own.
 *
 * <p>The typed readers take the option text by key, trimmed (trailing blanks in a properties file
 * are invisible and never meant), or the default when absent; every failure is an
 * {@link InvalidSettingException} naming the key and the value as written.
 */
public enum ConfigOption {
    // ------------------------------------------------------------ the connection (standalone only)
    SERVER_HOST("127.0.0.1", "host name or address of the XMPP server's component port"),
    SERVER_PORT("5347", "the XEP-0114 component port"),
    COMPONENT_DOMAIN(null, "required: the component's domain as the server knows it, e.g. proxy.example.com"),
    COMPONENT_SECRET(null, "required: the shared secret the server has for that component"),
    RECONNECT_MIN("PT1S", "first wait before connecting again after a failure or loss; doubles each time"),
    RECONNECT_MAX("PT1M", "longest wait between connection attempts"),
    STATS_INTERVAL("PT1M", "how often an INFO line sums up the counters; PT0S for never"),
    // With a ping after 30 s of quiet, a live server has had 30 s to answer it before the 60 s read-timeout.
    KEEPALIVE_INTERVAL("PT30S", "after this long with nothing received, ping the server (XEP-0199)"),
    READ_TIMEOUT("PT1M", "after this long with nothing received, the connection is dead: reconnect; longer than keepalive-interval"),
    WRITE_TIMEOUT("PT30S", "a write to the server that takes longer than this ends the connection: reconnect"),
    MAX_STANZA_SIZE(StanzaLimits.DEFAULT_MAX_BYTES,
            "largest stanza accepted from the server, in bytes; a request over a limit gets policy-violation"),
    MAX_STANZA_DEPTH(StanzaLimits.DEFAULT_MAX_DEPTH, "deepest nesting of elements in a stanza (the stanza itself is 1)"),
    MAX_ATTRIBUTES(StanzaLimits.DEFAULT_MAX_ATTRIBUTES, "most attributes on one element of a stanza (xmlns declarations included)"),
    MAX_NAME_LENGTH(StanzaLimits.DEFAULT_MAX_NAME_LENGTH, "longest element or attribute name in a stanza, in bytes"),
    ADMINS("", "who may run the admin commands (XEP-0050): bare JIDs or domains, separated by commas; empty for nobody"),
    METRICS_PORT("0", "loopback port serving the counters and per-resource figures at /metrics (Prometheus text format); 0 for none"),

    // ------------------------------------------------------------ routing (same as the Tigase component)
    TARGET_ADDRESS(null, "required: bare JID of the account whose online resources answer the requests"),
    REQUEST_TIMEOUT(ProxySettings.DEFAULT_REQUEST_TIMEOUT, "how long a request may wait for the target's answer (ISO-8601 duration)"),
    JAT_MODE(ProxySettings.DEFAULT_JAT_MODE.configName(),
            "opaque (random token) or transparent (sender's full JID) in the address the target sees"),
    MAX_PENDING(ProxySettings.DEFAULT_MAX_PENDING, "most requests pending at once"),
    MAX_PENDING_PER_SENDER(ProxySettings.DEFAULT_MAX_PENDING_PER_SENDER, "most requests pending at once from one sender (full JID)"),
    JAT_IDLE_TIMEOUT(ProxySettings.DEFAULT_JAT_IDLE_TIMEOUT, "how long a sender's mapping is kept once it has no pending request"),
    MAX_MAPPINGS(ProxySettings.DEFAULT_MAX_MAPPINGS, "most senders mapped at once"),
    RESUBSCRIBE_MIN(ProxySettings.DEFAULT_RESUBSCRIBE_MIN, "first wait before asking the target again after it denied the subscription"),
    RESUBSCRIBE_MAX(ProxySettings.DEFAULT_RESUBSCRIBE_MAX, "longest wait between subscription requests after denials"),
    BALANCER(ProxySettings.DEFAULT_BALANCER.configName(),
            "which online resource gets a request: random, round-robin, least-pending, priority, sticky"),
    ALLOWED_SENDERS("", "who may send requests: domains, bare and full JIDs, separated by commas; empty for everyone"),
    RATE_LIMIT("0", "requests per second one sender may make on average; 0 for no limit"),
    RATE_BURST(ProxySettings.DEFAULT_RATE_BURST, "requests one sender may make at once before the rate limit applies"),
    DISCO(ProxySettings.DEFAULT_DISCO.configName(),
            "who answers disco queries: forward (the target), local, fallback (local while no resource is online)"),
    DISCO_CATEGORY(ProxySettings.DEFAULT_DISCO_CATEGORY, "identity category of local disco answers"),
    DISCO_TYPE(ProxySettings.DEFAULT_DISCO_TYPE, "identity type of local disco answers"),
    DISCO_NAME(ProxySettings.DEFAULT_DISCO_NAME, "identity name of local disco answers"),
    DISCO_FEATURES("", "features of local disco#info answers, separated by commas"),
    OUTBOUND_REQUESTS("false", "let the target send IQ requests to <component>/<encoded sender> (true or false)"),
    MESSAGES("false", "proxy messages both ways instead of answering feature-not-implemented (true or false)"),
    PROXY_ADDRESS("", "the component's address toward the target (it subscribes from there, answers come there); "
            + "empty for the component-domain");

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');
    private final String defaultValue;
    private final String description;

    ConfigOption(Object defaultValue, String description) {
        this.defaultValue = defaultValue == null ? null : defaultValue.toString();
        this.description = description;
    }

    /** The name in the configuration file and after {@code --} on the command line. */
    public String key() {
        return key;
    }

    /** The default as written in a configuration file; null for a required option. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isRequired() {
        return defaultValue == null;
    }

    /** The option with this key, or null. */
    public static ConfigOption byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst().orElse(null);
    }

    /**
     * What to say of an unknown key after "unknown option": the key it was most likely meant to be
     * (by edit distance, at most two edits away), and where to look them all up.
     */
    static String hint(String unknown) {
        String wanted = unknown.trim().toLowerCase(Locale.ROOT);
        ConfigOption best = null;
        int bestDistance = 3;
        for (ConfigOption o : values()) {
            int d = distance(wanted, o.key);
            if (d < bestDistance) {
                best = o;
                bestDistance = d;
            }
        }
        return (best == null ? "" : "did you mean '" + best.key + "'? ") + "--help lists them all";
    }

    /** Optimal string alignment distance: a letter left out, added, changed, or two swapped count one each. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** A bad value of this option: the message names the key, the value and why. */
    InvalidSettingException invalid(Object value, String why) {
        return new InvalidSettingException(key, value, why);
    }

    /** The trimmed text, or the default (null for a required option that is absent). */
    String text(Map<String, String> values) {
        String v = values.get(key);
        return v == null ? defaultValue : v.trim();
    }

    /** @throws InvalidSettingException when absent or blank, saying "required: " and what */
    String required(Map<String, String> values, String what) {
        String v = text(values);
        if (v == null || v.isEmpty()) {
            throw invalid(v, "required: " + what);
        }
        return v;
    }

    /** A positive duration. */
    Duration duration(Map<String, String> values) {
        Duration d = anyDuration(values);
        if (d.isNegative() || d.isZero()) {
            throw invalid(values.get(key), "must be a positive ISO-8601 duration such as PT30S");
        }
        return d;
    }

    /** A duration of zero or more (zero: never), for {@code stats-interval}. */
    Duration durationOrZero(Map<String, String> values) {
        Duration d = anyDuration(values);
        if (d.isNegative()) {
            throw invalid(values.get(key), "must be an ISO-8601 duration such as PT60S, or PT0S for no summary");
        }
        return d;
    }

    private Duration anyDuration(Map<String, String> values) {
        return read(values, Duration::parse, "must be an ISO-8601 duration such as PT30S, PT5M or PT1H");
    }

    int integer(Map<String, String> values) {
        return read(values, Integer::parseInt, "must be a whole number");
    }

    double decimal(Map<String, String> values) {
        return read(values, Double::parseDouble, "must be a number such as 5 or 0.5");
    }

    boolean bool(Map<String, String> values) {
        return read(values, text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(text);
        }, "must be true or false");
    }

    private <T> T read(Map<String, String> values, Function<String, T> parse, String why) {
        try {
            return parse.apply(text(values));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw invalid(values.get(key), why);
        }
    }

    /** Items separated by commas and/or blanks. */
    List<String> list(Map<String, String> values) {
        return Arrays.stream(text(values).split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }
}
