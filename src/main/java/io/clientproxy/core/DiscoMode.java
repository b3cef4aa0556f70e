package io.clientproxy.core;

import java.util.Locale;

/** Who answers service discovery queries to the component ({@code disco} option). */
public enum DiscoMode {
    /** Every disco query goes to the target, as in mod_client_proxy. */
    FORWARD,
    /** The component answers disco#info with the configured identity and features, disco#items empty. */
    LOCAL,
    /**
     * Forwarded while a resource of the target is online, answered locally otherwise (the
     * default): a server or client that asks right after the component connects, or while the
     * bot is offline, still finds the service.
     */
    FALLBACK;

    private final String configName = name().toLowerCase(Locale.ROOT);

    public String configName() {
        return configName;
    }

    public static DiscoMode parse(String value) {
        for (DiscoMode m : values()) {
            if (m.configName.equals(value)) {
                return m;
            }
        }
        return null;
    }
}
