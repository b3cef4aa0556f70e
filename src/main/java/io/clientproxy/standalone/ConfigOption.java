package io.clientproxy.standalone;

import io.clientproxy.core.ProxySettings;

/**
 * Every option the standalone proxy reads, with its default as written in a configuration file
 * and a one-line description (for {@code --help}). The routing options share their names with
 * the Tigase component; the connection options are the standalone mode's own.
 */
public enum ConfigOption {
    // ------------------------------------------------------------ the connection (standalone only)
    SERVER_HOST(StandaloneSettings.SERVER_HOST, StandaloneSettings.DEFAULT_SERVER_HOST,
            "host name or address of the XMPP server's component port"),
    SERVER_PORT(StandaloneSettings.SERVER_PORT, String.valueOf(StandaloneSettings.DEFAULT_SERVER_PORT),
            "the XEP-0114 component port"),
    COMPONENT_DOMAIN(StandaloneSettings.COMPONENT_DOMAIN, null,
            "required: the component's domain as the server knows it, e.g. proxy.example.com"),
    COMPONENT_SECRET(StandaloneSettings.COMPONENT_SECRET, null,
            "required: the shared secret the server has for that component"),
    RECONNECT_MIN(StandaloneSettings.RECONNECT_MIN, StandaloneSettings.DEFAULT_RECONNECT_MIN.toString(),
            "first wait before connecting again after a failure or loss; doubles each time"),
    RECONNECT_MAX(StandaloneSettings.RECONNECT_MAX, StandaloneSettings.DEFAULT_RECONNECT_MAX.toString(),
            "longest wait between connection attempts"),
    STATS_INTERVAL(StandaloneSettings.STATS_INTERVAL, StandaloneSettings.DEFAULT_STATS_INTERVAL.toString(),
            "how often an INFO line sums up the counters; PT0S for never"),
    KEEPALIVE_INTERVAL(StandaloneSettings.KEEPALIVE_INTERVAL, StandaloneSettings.DEFAULT_KEEPALIVE_INTERVAL.toString(),
            "after this long with nothing received, ping the server (XEP-0199)"),
    READ_TIMEOUT(StandaloneSettings.READ_TIMEOUT, StandaloneSettings.DEFAULT_READ_TIMEOUT.toString(),
            "after this long with nothing received, the connection is dead: reconnect; longer than keepalive-interval"),
    WRITE_TIMEOUT(StandaloneSettings.WRITE_TIMEOUT, StandaloneSettings.DEFAULT_WRITE_TIMEOUT.toString(),
            "a write to the server that takes longer than this ends the connection: reconnect"),
    MAX_STANZA_SIZE(StanzaLimits.MAX_STANZA_SIZE, String.valueOf(StanzaLimits.DEFAULT_MAX_BYTES),
            "largest stanza accepted from the server, in bytes; a request over a limit gets policy-violation"),
    MAX_STANZA_DEPTH(StanzaLimits.MAX_STANZA_DEPTH, String.valueOf(StanzaLimits.DEFAULT_MAX_DEPTH),
            "deepest nesting of elements in a stanza (the stanza itself is 1)"),
    MAX_ATTRIBUTES(StanzaLimits.MAX_ATTRIBUTES, String.valueOf(StanzaLimits.DEFAULT_MAX_ATTRIBUTES),
            "most attributes on one element of a stanza (xmlns declarations included)"),
    MAX_NAME_LENGTH(StanzaLimits.MAX_NAME_LENGTH, String.valueOf(StanzaLimits.DEFAULT_MAX_NAME_LENGTH),
            "longest element or attribute name in a stanza, in bytes"),
    ADMINS(StandaloneSettings.ADMINS, "",
            "who may run the admin commands (XEP-0050): bare JIDs or domains, separated by commas; empty for nobody"),
    METRICS_PORT(StandaloneSettings.METRICS_PORT, "0",
            "loopback port serving the counters and per-resource figures at /metrics (Prometheus text format); 0 for none"),

    // ------------------------------------------------------------ routing (same as the Tigase component)
    TARGET_ADDRESS(ProxySettings.TARGET_ADDRESS, null,
            "required: bare JID of the account whose online resources answer the requests"),
    REQUEST_TIMEOUT(ProxySettings.REQUEST_TIMEOUT, ProxySettings.DEFAULT_REQUEST_TIMEOUT.toString(),
            "how long a request may wait for the target's answer (ISO-8601 duration)"),
    JAT_MODE(ProxySettings.JAT_MODE, ProxySettings.DEFAULT_JAT_MODE.configName(),
            "opaque (random token) or transparent (sender's full JID) in the address the target sees"),
    MAX_PENDING(ProxySettings.MAX_PENDING, String.valueOf(ProxySettings.DEFAULT_MAX_PENDING),
            "most requests pending at once"),
    MAX_PENDING_PER_SENDER(ProxySettings.MAX_PENDING_PER_SENDER, String.valueOf(ProxySettings.DEFAULT_MAX_PENDING_PER_SENDER),
            "most requests pending at once from one sender (full JID)"),
    JAT_IDLE_TIMEOUT(ProxySettings.JAT_IDLE_TIMEOUT, ProxySettings.DEFAULT_JAT_IDLE_TIMEOUT.toString(),
            "how long a sender's mapping is kept once it has no pending request"),
    MAX_MAPPINGS(ProxySettings.MAX_MAPPINGS, String.valueOf(ProxySettings.DEFAULT_MAX_MAPPINGS),
            "most senders mapped at once"),
    RESUBSCRIBE_MIN(ProxySettings.RESUBSCRIBE_MIN, ProxySettings.DEFAULT_RESUBSCRIBE_MIN.toString(),
            "first wait before asking the target again after it denied the subscription"),
    RESUBSCRIBE_MAX(ProxySettings.RESUBSCRIBE_MAX, ProxySettings.DEFAULT_RESUBSCRIBE_MAX.toString(),
            "longest wait between subscription requests after denials"),
    BALANCER(ProxySettings.BALANCER, ProxySettings.DEFAULT_BALANCER.configName(),
            "which online resource gets a request: random, round-robin, least-pending, priority, sticky"),
    ALLOWED_SENDERS(ProxySettings.ALLOWED_SENDERS, "",
            "who may send requests: domains, bare and full JIDs, separated by commas; empty for everyone"),
    RATE_LIMIT(ProxySettings.RATE_LIMIT, "0",
            "requests per second one sender may make on average; 0 for no limit"),
    RATE_BURST(ProxySettings.RATE_BURST, String.valueOf(ProxySettings.DEFAULT_RATE_BURST),
            "requests one sender may make at once before the rate limit applies"),
    DISCO(ProxySettings.DISCO, ProxySettings.DEFAULT_DISCO.configName(),
            "who answers disco queries: forward (the target), local, fallback (local while no resource is online)"),
    DISCO_CATEGORY(ProxySettings.DISCO_CATEGORY, ProxySettings.DEFAULT_DISCO_CATEGORY,
            "identity category of local disco answers"),
    DISCO_TYPE(ProxySettings.DISCO_TYPE, ProxySettings.DEFAULT_DISCO_TYPE,
            "identity type of local disco answers"),
    DISCO_NAME(ProxySettings.DISCO_NAME, ProxySettings.DEFAULT_DISCO_NAME,
            "identity name of local disco answers"),
    DISCO_FEATURES(ProxySettings.DISCO_FEATURES, "",
            "features of local disco#info answers, separated by commas"),
    OUTBOUND_REQUESTS(ProxySettings.OUTBOUND_REQUESTS, "false",
            "let the target send IQ requests to <component>/<encoded sender> (true or false)"),
    MESSAGES(ProxySettings.MESSAGES, "false",
            "proxy messages both ways instead of answering feature-not-implemented (true or false)"),
    PROXY_ADDRESS(ProxySettings.PROXY_ADDRESS, "",
            "the component's address toward the target (it subscribes from there, answers come there); empty for the component-domain");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
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

    /**
     * The key an unknown one was most likely meant to be: the closest by edit distance (a letter
     * left out, added, changed, or two swapped count one each), if at most two edits away; or null.
     */
    static String nearest(String unknown) {
        String best = null;
        int bestDistance = 3;
        for (ConfigOption o : values()) {
            int d = distance(unknown.trim().toLowerCase(java.util.Locale.ROOT), o.key);
            if (d < bestDistance) {
                best = o.key;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
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

    /** The option with this key, or null. */
    public static ConfigOption byKey(String key) {
        for (ConfigOption o : values()) {
            if (o.key.equals(key)) {
                return o;
            }
        }
        return null;
    }
}
