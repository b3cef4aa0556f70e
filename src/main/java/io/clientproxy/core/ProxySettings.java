package io.clientproxy.core;

import java.time.Duration;
import java.util.List;

/**
 * What one proxy instance needs to know, validated once. The keys are the configuration names that
 * both adapters use ({@code config.tdsl} in Tigase, the properties file in standalone mode).
 */
public record ProxySettings(
        Jid target,
        Duration requestTimeout,
        JatMode jatMode,
        int maxPending,
        int maxPendingPerSender,
        Duration jatIdleTimeout,
        int maxMappings,
        Duration resubscribeMin,
        Duration resubscribeMax,
        Balancer.Policy balancer,
        SenderFilter allowedSenders,
        double rateLimit,
        int rateBurst,
        DiscoMode disco,
        DiscoInfo discoInfo,
        boolean outboundRequests,
        boolean messages) {

    public static final String TARGET_ADDRESS = "target-address";
    public static final String REQUEST_TIMEOUT = "request-timeout";
    public static final String JAT_MODE = "jat-mode";
    public static final String MAX_PENDING = "max-pending";
    public static final String MAX_PENDING_PER_SENDER = "max-pending-per-sender";
    public static final String JAT_IDLE_TIMEOUT = "jat-idle-timeout";
    public static final String MAX_MAPPINGS = "max-mappings";
    public static final String RESUBSCRIBE_MIN = "resubscribe-min";
    public static final String RESUBSCRIBE_MAX = "resubscribe-max";
    public static final String BALANCER = "balancer";
    public static final String ALLOWED_SENDERS = "allowed-senders";
    public static final String RATE_LIMIT = "rate-limit";
    public static final String RATE_BURST = "rate-burst";
    public static final String DISCO = "disco";
    public static final String DISCO_CATEGORY = "disco-category";
    public static final String DISCO_TYPE = "disco-type";
    public static final String DISCO_NAME = "disco-name";
    public static final String DISCO_FEATURES = "disco-features";
    public static final String OUTBOUND_REQUESTS = "outbound-requests";
    public static final String MESSAGES = "messages";
    /**
     * The component's address toward the target. Not part of these settings: each adapter has its
     * own default (Tigase: {@code <bean name>.<target's domain>}; standalone: the component-domain).
     */
    public static final String PROXY_ADDRESS = "proxy-address";

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final JatMode DEFAULT_JAT_MODE = JatMode.OPAQUE;
    public static final int DEFAULT_MAX_PENDING = 100_000;
    public static final int DEFAULT_MAX_PENDING_PER_SENDER = 1_000;
    public static final Duration DEFAULT_JAT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_MAPPINGS = 100_000;
    public static final Duration DEFAULT_RESUBSCRIBE_MIN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RESUBSCRIBE_MAX = Duration.ofHours(1);
    public static final Balancer.Policy DEFAULT_BALANCER = Balancer.Policy.RANDOM;
    /** Requests per second per sender; 0 turns rate limiting off. */
    public static final double DEFAULT_RATE_LIMIT = 0;
    public static final int DEFAULT_RATE_BURST = 20;
    public static final DiscoMode DEFAULT_DISCO = DiscoMode.FALLBACK;
    public static final String DEFAULT_DISCO_CATEGORY = "component";
    public static final String DEFAULT_DISCO_TYPE = "generic";
    public static final String DEFAULT_DISCO_NAME = "Client proxy";

    public ProxySettings {
        if (target == null) {
            throw new InvalidSettingException(TARGET_ADDRESS, null, "required: the bare JID of the account that implements the service");
        }
        if (!target.isBare() || target.local() == null) {
            throw new InvalidSettingException(TARGET_ADDRESS, target, "must be a bare JID of an account, like bot@example.com");
        }
        positive(REQUEST_TIMEOUT, requestTimeout);
        if (jatMode == null) {
            throw new InvalidSettingException(JAT_MODE, null, "one of opaque, transparent");
        }
        atLeastOne(MAX_PENDING, maxPending);
        atLeastOne(MAX_PENDING_PER_SENDER, maxPendingPerSender);
        positive(JAT_IDLE_TIMEOUT, jatIdleTimeout);
        atLeastOne(MAX_MAPPINGS, maxMappings);
        positive(RESUBSCRIBE_MIN, resubscribeMin);
        positive(RESUBSCRIBE_MAX, resubscribeMax);
        if (resubscribeMax.compareTo(resubscribeMin) < 0) {
            throw new InvalidSettingException(RESUBSCRIBE_MAX, resubscribeMax, "must not be shorter than " + RESUBSCRIBE_MIN + " (" + resubscribeMin + ")");
        }
        if (balancer == null) {
            throw new InvalidSettingException(BALANCER, null, BALANCER_CHOICES);
        }
        if (allowedSenders == null) {
            throw new InvalidSettingException(ALLOWED_SENDERS, null, "a list of domains and JIDs, empty for everyone");
        }
        if (!(rateLimit >= 0) || Double.isInfinite(rateLimit)) {
            throw new InvalidSettingException(RATE_LIMIT, rateLimit, "requests per second per sender, 0 for no limit");
        }
        atLeastOne(RATE_BURST, rateBurst);
        if (disco == null) {
            throw new InvalidSettingException(DISCO, null, DISCO_CHOICES);
        }
        if (discoInfo == null) {
            throw new InvalidSettingException(DISCO_CATEGORY, null, "an identity is needed");
        }
    }

    private static final String DISCO_CHOICES = "one of forward, local, fallback";

    public static DiscoMode parseDisco(String text) {
        DiscoMode mode = DiscoMode.parse(text == null ? null : text.trim());
        if (mode == null) {
            throw new InvalidSettingException(DISCO, text, DISCO_CHOICES);
        }
        return mode;
    }

    private static final String BALANCER_CHOICES = "one of random, round-robin, least-pending, priority, sticky";

    public static Balancer.Policy parseBalancer(String text) {
        Balancer.Policy policy = Balancer.Policy.parse(text == null ? null : text.trim());
        if (policy == null) {
            throw new InvalidSettingException(BALANCER, text, BALANCER_CHOICES);
        }
        return policy;
    }

    /** Settings with every default and the given target. */
    public static ProxySettings defaults(Jid target) {
        return builder().target(target).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses and validates the target address text, naming the key in the error; the same rule in
     * both adapters.
     */
    public static Jid parseTarget(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSettingException(TARGET_ADDRESS, text, "required: the bare JID of the account that implements the service");
        }
        try {
            return Jid.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(TARGET_ADDRESS, text, e.getMessage());
        }
    }

    public static JatMode parseJatMode(String text) {
        JatMode mode = JatMode.parse(text == null ? null : text.trim());
        if (mode == null) {
            throw new InvalidSettingException(JAT_MODE, text, "one of opaque, transparent");
        }
        return mode;
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(key, value, "must be a positive ISO-8601 duration such as PT30S");
        }
    }

    private static void atLeastOne(String key, int value) {
        if (value < 1) {
            throw new InvalidSettingException(key, value, "must be at least 1");
        }
    }

    public static final class Builder {
        private Jid target;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private JatMode jatMode = DEFAULT_JAT_MODE;
        private int maxPending = DEFAULT_MAX_PENDING;
        private int maxPendingPerSender = DEFAULT_MAX_PENDING_PER_SENDER;
        private Duration jatIdleTimeout = DEFAULT_JAT_IDLE_TIMEOUT;
        private int maxMappings = DEFAULT_MAX_MAPPINGS;
        private Duration resubscribeMin = DEFAULT_RESUBSCRIBE_MIN;
        private Duration resubscribeMax = DEFAULT_RESUBSCRIBE_MAX;
        private Balancer.Policy balancer = DEFAULT_BALANCER;
        private SenderFilter allowedSenders = SenderFilter.parse(List.of());
        private double rateLimit = DEFAULT_RATE_LIMIT;
        private int rateBurst = DEFAULT_RATE_BURST;
        private DiscoMode disco = DEFAULT_DISCO;
        private boolean outboundRequests;
        private boolean messages;
        private DiscoInfo discoInfo = new DiscoInfo(DEFAULT_DISCO_CATEGORY, DEFAULT_DISCO_TYPE, DEFAULT_DISCO_NAME, List.of());

        public Builder target(Jid target) { this.target = target; return this; }
        public Builder requestTimeout(Duration v) { this.requestTimeout = v; return this; }
        public Builder jatMode(JatMode v) { this.jatMode = v; return this; }
        public Builder maxPending(int v) { this.maxPending = v; return this; }
        public Builder maxPendingPerSender(int v) { this.maxPendingPerSender = v; return this; }
        public Builder jatIdleTimeout(Duration v) { this.jatIdleTimeout = v; return this; }
        public Builder maxMappings(int v) { this.maxMappings = v; return this; }
        public Builder resubscribeMin(Duration v) { this.resubscribeMin = v; return this; }
        public Builder resubscribeMax(Duration v) { this.resubscribeMax = v; return this; }
        public Builder balancer(Balancer.Policy v) { this.balancer = v; return this; }
        public Builder allowedSenders(SenderFilter v) { this.allowedSenders = v; return this; }
        public Builder rateLimit(double perSecond) { this.rateLimit = perSecond; return this; }
        public Builder rateBurst(int v) { this.rateBurst = v; return this; }
        public Builder disco(DiscoMode v) { this.disco = v; return this; }
        public Builder discoInfo(DiscoInfo v) { this.discoInfo = v; return this; }
        public Builder outboundRequests(boolean v) { this.outboundRequests = v; return this; }
        public Builder messages(boolean v) { this.messages = v; return this; }

        public ProxySettings build() {
            return new ProxySettings(target, requestTimeout, jatMode, maxPending, maxPendingPerSender,
                    jatIdleTimeout, maxMappings, resubscribeMin, resubscribeMax, balancer,
                    allowedSenders, rateLimit, rateBurst, disco, discoInfo, outboundRequests, messages);
        }
    }
}
