package io.clientproxy.standalone;

import io.clientproxy.core.DiscoInfo;
import io.clientproxy.core.InvalidSettingException;
import io.clientproxy.core.JatMode;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxySettings;
import io.clientproxy.core.SenderFilter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything the standalone proxy needs, validated once: the routing settings shared with the
 * Tigase component, and how to reach the server's component port. Built from a properties file
 * ({@link #fromProperties}), from key/value pairs ({@link #parse}) or with the {@link #builder()};
 * all three apply the same rules and report a bad value with its key.
 */
public record StandaloneSettings(
        ProxySettings proxy,
        String serverHost,
        int serverPort,
        Jid componentDomain,
        Jid proxyAddress,
        String componentSecret,
        Duration reconnectMin,
        Duration reconnectMax,
        Duration statsInterval,
        SenderFilter admins,
        StanzaLimits limits,
        Duration keepaliveInterval,
        Duration readTimeout,
        Duration writeTimeout,
        int metricsPort) {

    public static final String SERVER_HOST = "server-host";
    public static final String SERVER_PORT = "server-port";
    public static final String COMPONENT_DOMAIN = "component-domain";
    public static final String COMPONENT_SECRET = "component-secret";
    public static final String RECONNECT_MIN = "reconnect-min";
    public static final String RECONNECT_MAX = "reconnect-max";
    public static final String STATS_INTERVAL = "stats-interval";
    public static final String ADMINS = "admins";
    public static final String KEEPALIVE_INTERVAL = "keepalive-interval";
    public static final String READ_TIMEOUT = "read-timeout";
    public static final String WRITE_TIMEOUT = "write-timeout";
    public static final String METRICS_PORT = "metrics-port";

    public static final String DEFAULT_SERVER_HOST = "127.0.0.1";
    public static final int DEFAULT_SERVER_PORT = 5347;
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(60);
    /** A ping (XEP-0199) goes to the server after this long without anything received. */
    public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(30);
    /**
     * The stream is given up after this long without anything received: with a ping after
     * {@link #DEFAULT_KEEPALIVE_INTERVAL}, a live server has had 30 s to answer it.
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    /** The stream is given up when one write to the socket takes longer than this. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    private static final String PROXY_ADDRESS_RULE =
            "a bare address at component-domain, which the server routes to this component, such as "
                    + "proxy.example.com or svc@proxy.example.com";

    public StandaloneSettings {
        Objects.requireNonNull(proxy, "proxy");
        if (serverHost == null || serverHost.isBlank() || serverHost.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSettingException(SERVER_HOST, serverHost, "a host name or IP address");
        }
        if (serverPort < 1 || serverPort > 65535) {
            throw new InvalidSettingException(SERVER_PORT, serverPort, "a TCP port from 1 to 65535");
        }
        if (componentDomain == null || !componentDomain.isBare() || componentDomain.local() != null) {
            throw new InvalidSettingException(COMPONENT_DOMAIN, componentDomain, "a domain such as proxy.example.com, with no '@' or '/'");
        }
        // A server lets a component send only from its own domain (Prosody: stream error
        // invalid-from, then the stream is gone): any other address could never work.
        if (proxyAddress == null || !proxyAddress.isBare()
                || (componentDomain != null && !proxyAddress.domain().equalsIgnoreCase(componentDomain.domain()))) {
            throw new InvalidSettingException(ProxySettings.PROXY_ADDRESS, proxyAddress, PROXY_ADDRESS_RULE);
        }
        if (componentSecret == null || componentSecret.isEmpty()) {
            throw new InvalidSettingException(COMPONENT_SECRET, "", "required: the component's shared secret on the server");
        }
        positive(RECONNECT_MIN, reconnectMin);
        positive(RECONNECT_MAX, reconnectMax);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new InvalidSettingException(RECONNECT_MAX, reconnectMax, "must not be shorter than " + RECONNECT_MIN + " (" + reconnectMin + ")");
        }
        Objects.requireNonNull(admins, "admins");
        if (statsInterval == null || statsInterval.isNegative()) {
            throw new InvalidSettingException(STATS_INTERVAL, statsInterval, "an ISO-8601 duration such as PT60S, or PT0S for no summary");
        }
        Objects.requireNonNull(limits, "limits");
        positive(KEEPALIVE_INTERVAL, keepaliveInterval);
        positive(READ_TIMEOUT, readTimeout);
        positive(WRITE_TIMEOUT, writeTimeout);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new InvalidSettingException(METRICS_PORT, metricsPort, "a TCP port from 1 to 65535 on 127.0.0.1, or 0 for none");
        }
        if (readTimeout.compareTo(keepaliveInterval) <= 0) {
            throw new InvalidSettingException(READ_TIMEOUT, readTimeout, "must be longer than " + KEEPALIVE_INTERVAL
                    + " (" + keepaliveInterval + "), or a quiet but live server would be given up before it is pinged");
        }
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(key, value, "must be a positive ISO-8601 duration such as PT1S");
        }
    }

    /** Reads a loaded properties file; see {@link #parse}. */
    public static StandaloneSettings fromProperties(Properties properties) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key));
        }
        return parse(values);
    }

    /**
     * Validates option text ({@link ConfigOption} lists the keys). Absent keys take their
     * defaults; an unknown key is an error too, since it is most likely a misspelt one.
     *
     * @throws InvalidSettingException naming the first bad key and its value
     */
    public static StandaloneSettings parse(Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (ConfigOption.byKey(e.getKey()) == null) {
                String near = ConfigOption.nearest(e.getKey());
                throw new InvalidSettingException(e.getKey(), e.getValue(), "unknown option; "
                        + (near == null ? "" : "did you mean '" + near + "'? ") + "--help lists them all");
            }
        }
        OptionValues v = new OptionValues(values);
        String domain = v.required(COMPONENT_DOMAIN, "the component's domain, e.g. proxy.example.com");
        Jid componentDomain;
        try {
            componentDomain = Jid.parse(domain);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(COMPONENT_DOMAIN, domain, e.getMessage());
        }
        Jid proxyAddress = componentDomain;
        if (v.has(ProxySettings.PROXY_ADDRESS) && !v.text(ProxySettings.PROXY_ADDRESS).isEmpty()) {
            String text = v.text(ProxySettings.PROXY_ADDRESS);
            try {
                proxyAddress = Jid.parse(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(ProxySettings.PROXY_ADDRESS, text, e.getMessage());
            }
            if (!proxyAddress.isBare()) {
                throw new InvalidSettingException(ProxySettings.PROXY_ADDRESS, text, PROXY_ADDRESS_RULE);
            }
        }
        String secret = v.required(COMPONENT_SECRET, "the component's shared secret on the server");
        String host = v.text(SERVER_HOST, DEFAULT_SERVER_HOST);
        int port = v.integer(SERVER_PORT, DEFAULT_SERVER_PORT);
        Duration reconnectMin = v.positiveDuration(RECONNECT_MIN, DEFAULT_RECONNECT_MIN);
        Duration reconnectMax = v.positiveDuration(RECONNECT_MAX, DEFAULT_RECONNECT_MAX);
        Duration statsInterval = v.nonNegativeDuration(STATS_INTERVAL, DEFAULT_STATS_INTERVAL, "for no summary");
        StanzaLimits limits = new StanzaLimits(
                v.integer(StanzaLimits.MAX_STANZA_SIZE, StanzaLimits.DEFAULT_MAX_BYTES),
                v.integer(StanzaLimits.MAX_STANZA_DEPTH, StanzaLimits.DEFAULT_MAX_DEPTH),
                v.integer(StanzaLimits.MAX_ATTRIBUTES, StanzaLimits.DEFAULT_MAX_ATTRIBUTES),
                v.integer(StanzaLimits.MAX_NAME_LENGTH, StanzaLimits.DEFAULT_MAX_NAME_LENGTH));
        return new StandaloneSettings(proxySettings(v), host, port, componentDomain, proxyAddress, secret,
                reconnectMin, reconnectMax, statsInterval, SenderFilter.parse(ADMINS, v.list(ADMINS)), limits,
                v.positiveDuration(KEEPALIVE_INTERVAL, DEFAULT_KEEPALIVE_INTERVAL),
                v.positiveDuration(READ_TIMEOUT, DEFAULT_READ_TIMEOUT),
                v.positiveDuration(WRITE_TIMEOUT, DEFAULT_WRITE_TIMEOUT),
                v.integer(METRICS_PORT, 0));
    }

    private static ProxySettings proxySettings(OptionValues v) {
        return ProxySettings.builder()
                .target(ProxySettings.parseTarget(v.text(ProxySettings.TARGET_ADDRESS)))
                .requestTimeout(v.positiveDuration(ProxySettings.REQUEST_TIMEOUT, ProxySettings.DEFAULT_REQUEST_TIMEOUT))
                .jatMode(v.has(ProxySettings.JAT_MODE)
                        ? ProxySettings.parseJatMode(v.text(ProxySettings.JAT_MODE)) : ProxySettings.DEFAULT_JAT_MODE)
                .maxPending(v.integer(ProxySettings.MAX_PENDING, ProxySettings.DEFAULT_MAX_PENDING))
                .maxPendingPerSender(v.integer(ProxySettings.MAX_PENDING_PER_SENDER, ProxySettings.DEFAULT_MAX_PENDING_PER_SENDER))
                .jatIdleTimeout(v.positiveDuration(ProxySettings.JAT_IDLE_TIMEOUT, ProxySettings.DEFAULT_JAT_IDLE_TIMEOUT))
                .maxMappings(v.integer(ProxySettings.MAX_MAPPINGS, ProxySettings.DEFAULT_MAX_MAPPINGS))
                .resubscribeMin(v.positiveDuration(ProxySettings.RESUBSCRIBE_MIN, ProxySettings.DEFAULT_RESUBSCRIBE_MIN))
                .resubscribeMax(v.positiveDuration(ProxySettings.RESUBSCRIBE_MAX, ProxySettings.DEFAULT_RESUBSCRIBE_MAX))
                .balancer(v.has(ProxySettings.BALANCER)
                        ? ProxySettings.parseBalancer(v.text(ProxySettings.BALANCER)) : ProxySettings.DEFAULT_BALANCER)
                .allowedSenders(SenderFilter.parse(v.list(ProxySettings.ALLOWED_SENDERS)))
                .rateLimit(v.decimal(ProxySettings.RATE_LIMIT, ProxySettings.DEFAULT_RATE_LIMIT))
                .rateBurst(v.integer(ProxySettings.RATE_BURST, ProxySettings.DEFAULT_RATE_BURST))
                .disco(v.has(ProxySettings.DISCO)
                        ? ProxySettings.parseDisco(v.text(ProxySettings.DISCO)) : ProxySettings.DEFAULT_DISCO)
                .discoInfo(new DiscoInfo(
                        v.text(ProxySettings.DISCO_CATEGORY, ProxySettings.DEFAULT_DISCO_CATEGORY),
                        v.text(ProxySettings.DISCO_TYPE, ProxySettings.DEFAULT_DISCO_TYPE),
                        v.text(ProxySettings.DISCO_NAME, ProxySettings.DEFAULT_DISCO_NAME),
                        v.list(ProxySettings.DISCO_FEATURES)))
                .outboundRequests(v.bool(ProxySettings.OUTBOUND_REQUESTS, false))
                .messages(v.bool(ProxySettings.MESSAGES, false))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The secret is never printed: settings end up in logs and test reports. */
    @Override
    public String toString() {
        return "StandaloneSettings[component " + componentDomain
                + (proxyAddress.equals(componentDomain) ? "" : " (toward the target: " + proxyAddress + ")") + " at " + serverHost + ":" + serverPort
                + " for " + proxy.target() + ", jat-mode " + proxy.jatMode().configName()
                + ", request-timeout " + proxy.requestTimeout() + ", reconnect " + reconnectMin + ".." + reconnectMax
                + ", stats-interval " + statsInterval + ", keepalive-interval " + keepaliveInterval
                + ", read-timeout " + readTimeout + ", write-timeout " + writeTimeout + ", " + limits
                + (metricsPort == 0 ? "" : ", metrics at 127.0.0.1:" + metricsPort) + "]";
    }

    /**
     * Option text gathered in code, validated by {@link #parse} on {@link #build()}: the same rules
     * and messages as a configuration file.
     * <pre>{@code
     * StandaloneSettings s = StandaloneSettings.builder()
     *         .server("127.0.0.1", 5347).component("proxy.localhost", "secret").target("bot@localhost")
     *         .set("request-timeout", "PT5S").build();
     * }</pre>
     */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Any option by its configuration key; null removes it (back to its default). */
        public Builder set(String key, String value) {
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            return this;
        }

        /** Several options at once, e.g. a loaded file before command-line overrides. */
        public Builder setAll(Map<String, String> options) {
            options.forEach(this::set);
            return this;
        }

        public Builder server(String host, int port) {
            return set(SERVER_HOST, host).set(SERVER_PORT, String.valueOf(port));
        }

        public Builder component(String domain, String secret) {
            return set(COMPONENT_DOMAIN, domain).set(COMPONENT_SECRET, secret);
        }

        public Builder target(String bareJid) {
            return set(ProxySettings.TARGET_ADDRESS, bareJid);
        }

        public Builder requestTimeout(Duration timeout) {
            return set(ProxySettings.REQUEST_TIMEOUT, timeout.toString());
        }

        public Builder jatMode(JatMode mode) {
            return set(ProxySettings.JAT_MODE, mode.configName());
        }

        public Builder reconnect(Duration min, Duration max) {
            return set(RECONNECT_MIN, min.toString()).set(RECONNECT_MAX, max.toString());
        }

        public Builder statsInterval(Duration interval) {
            return set(STATS_INTERVAL, interval.toString());
        }

        /** @throws InvalidSettingException naming the first bad key and its value */
        public StandaloneSettings build() {
            return parse(values);
        }
    }
}
