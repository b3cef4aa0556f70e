package io.clientproxy.standalone;

import static io.clientproxy.standalone.ConfigOption.*;

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
 * all three read the option text by {@link ConfigOption} and report a bad value with its key.
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

    /** Keys that code elsewhere names; {@link ConfigOption} has every key. */
    public static final String KEEPALIVE_INTERVAL = ConfigOption.KEEPALIVE_INTERVAL.key();
    public static final String READ_TIMEOUT = ConfigOption.READ_TIMEOUT.key();
    public static final String WRITE_TIMEOUT = ConfigOption.WRITE_TIMEOUT.key();
    public static final String METRICS_PORT = ConfigOption.METRICS_PORT.key();

    /**
     * Checks what the values' types let through and how they depend on each other; the option
     * text itself (syntax, positive durations) is checked by {@link #parse}, which the builder and
     * {@link #fromProperties} go through too.
     *
     * @throws InvalidSettingException naming the first bad key and its value
     */
    public StandaloneSettings {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(admins, "admins");
        Objects.requireNonNull(limits, "limits");
        if (serverHost == null || serverHost.isBlank() || serverHost.chars().anyMatch(Character::isWhitespace)) {
            throw SERVER_HOST.invalid(serverHost, "a host name or IP address");
        }
        if (serverPort < 1 || serverPort > 65535) {
            throw SERVER_PORT.invalid(serverPort, "a TCP port from 1 to 65535");
        }
        if (componentDomain == null || !componentDomain.isBare() || componentDomain.local() != null) {
            throw COMPONENT_DOMAIN.invalid(componentDomain, "a domain such as proxy.example.com, with no '@' or '/'");
        }
        // A server lets a component send only from its own domain (Prosody: stream error
        // invalid-from, then the stream is gone): any other address could never work.
        if (proxyAddress == null || !proxyAddress.isBare() || !proxyAddress.domain().equalsIgnoreCase(componentDomain.domain())) {
            throw PROXY_ADDRESS.invalid(proxyAddress, "a bare address at component-domain, which the server routes to "
                    + "this component, such as proxy.example.com or svc@proxy.example.com");
        }
        if (componentSecret == null || componentSecret.isEmpty()) {
            throw COMPONENT_SECRET.invalid("", "required: the component's shared secret on the server");
        }
        // Also checked by parse(); here for callers of this constructor (embedding), whom nothing else checks.
        positive(RECONNECT_MIN, reconnectMin);
        positive(RECONNECT_MAX, reconnectMax);
        positive(ConfigOption.KEEPALIVE_INTERVAL, keepaliveInterval);
        positive(ConfigOption.READ_TIMEOUT, readTimeout);
        positive(ConfigOption.WRITE_TIMEOUT, writeTimeout);
        if (statsInterval == null || statsInterval.isNegative()) {
            throw STATS_INTERVAL.invalid(statsInterval, "an ISO-8601 duration such as PT60S, or PT0S for no summary");
        }
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw RECONNECT_MAX.invalid(reconnectMax, "must not be shorter than reconnect-min (" + reconnectMin + ")");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw ConfigOption.METRICS_PORT.invalid(metricsPort, "a TCP port from 1 to 65535 on 127.0.0.1, or 0 for none");
        }
        if (readTimeout.compareTo(keepaliveInterval) <= 0) {
            throw ConfigOption.READ_TIMEOUT.invalid(readTimeout, "must be longer than keepalive-interval ("
                    + keepaliveInterval + "), or a quiet but live server would be given up before it is pinged");
        }
    }

    private static void positive(ConfigOption option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw option.invalid(value, "must be a positive ISO-8601 duration such as PT1S");
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
     * Validates option text by {@link ConfigOption} key. Absent keys take their defaults; an
     * unknown key is an error too, since it is most likely a misspelt one.
     *
     * @throws InvalidSettingException naming the first bad key and its value
     */
    public static StandaloneSettings parse(Map<String, String> values) {
        values.forEach((key, value) -> {
            if (ConfigOption.byKey(key) == null) {
                throw new InvalidSettingException(key, value, "unknown option; " + ConfigOption.hint(key));
            }
        });
        Jid componentDomain = jid(COMPONENT_DOMAIN,
                COMPONENT_DOMAIN.required(values, "the component's domain, e.g. proxy.example.com"));
        String address = PROXY_ADDRESS.text(values);
        Jid proxyAddress = address.isEmpty() ? componentDomain : jid(PROXY_ADDRESS, address);
        String secret = COMPONENT_SECRET.required(values, "the component's shared secret on the server");
        // Read before the routing options, as always: of several bad values, the same one is reported.
        String host = SERVER_HOST.text(values);
        int port = SERVER_PORT.integer(values);
        Duration reconnectMin = RECONNECT_MIN.duration(values);
        Duration reconnectMax = RECONNECT_MAX.duration(values);
        Duration statsInterval = STATS_INTERVAL.durationOrZero(values);
        StanzaLimits limits = new StanzaLimits(MAX_STANZA_SIZE.integer(values), MAX_STANZA_DEPTH.integer(values),
                MAX_ATTRIBUTES.integer(values), MAX_NAME_LENGTH.integer(values));
        return new StandaloneSettings(proxySettings(values), host, port, componentDomain, proxyAddress, secret,
                reconnectMin, reconnectMax, statsInterval, SenderFilter.parse(ADMINS.key(), ADMINS.list(values)), limits,
                ConfigOption.KEEPALIVE_INTERVAL.duration(values), ConfigOption.READ_TIMEOUT.duration(values),
                ConfigOption.WRITE_TIMEOUT.duration(values), ConfigOption.METRICS_PORT.integer(values));
    }

    private static Jid jid(ConfigOption option, String text) {
        try {
            return Jid.parse(text);
        } catch (IllegalArgumentException e) {
            throw option.invalid(text, e.getMessage());
        }
    }

    private static ProxySettings proxySettings(Map<String, String> values) {
        return ProxySettings.builder()
                .target(ProxySettings.parseTarget(TARGET_ADDRESS.text(values)))
                .requestTimeout(REQUEST_TIMEOUT.duration(values))
                .jatMode(ProxySettings.parseJatMode(JAT_MODE.text(values)))
                .maxPending(MAX_PENDING.integer(values))
                .maxPendingPerSender(MAX_PENDING_PER_SENDER.integer(values))
                .jatIdleTimeout(JAT_IDLE_TIMEOUT.duration(values))
                .maxMappings(MAX_MAPPINGS.integer(values))
                .resubscribeMin(RESUBSCRIBE_MIN.duration(values))
                .resubscribeMax(RESUBSCRIBE_MAX.duration(values))
                .balancer(ProxySettings.parseBalancer(BALANCER.text(values)))
                .allowedSenders(SenderFilter.parse(ALLOWED_SENDERS.list(values)))
                .rateLimit(RATE_LIMIT.decimal(values))
                .rateBurst(RATE_BURST.integer(values))
                .disco(ProxySettings.parseDisco(DISCO.text(values)))
                .discoInfo(new DiscoInfo(DISCO_CATEGORY.text(values), DISCO_TYPE.text(values), DISCO_NAME.text(values),
                        DISCO_FEATURES.list(values)))
                .outboundRequests(OUTBOUND_REQUESTS.bool(values))
                .messages(MESSAGES.bool(values))
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

        public Builder server(String host, int port) {
            return set(SERVER_HOST.key(), host).set(SERVER_PORT.key(), String.valueOf(port));
        }

        public Builder component(String domain, String secret) {
            return set(COMPONENT_DOMAIN.key(), domain).set(COMPONENT_SECRET.key(), secret);
        }

        public Builder target(String bareJid) {
            return set(TARGET_ADDRESS.key(), bareJid);
        }

        public Builder requestTimeout(Duration timeout) {
            return set(REQUEST_TIMEOUT.key(), timeout.toString());
        }

        public Builder jatMode(JatMode mode) {
            return set(JAT_MODE.key(), mode.configName());
        }

        public Builder reconnect(Duration min, Duration max) {
            return set(RECONNECT_MIN.key(), min.toString()).set(RECONNECT_MAX.key(), max.toString());
        }

        public Builder statsInterval(Duration interval) {
            return set(STATS_INTERVAL.key(), interval.toString());
        }

        /** @throws InvalidSettingException naming the first bad key and its value */
        public StandaloneSettings build() {
            return parse(values);
        }
    }
}
