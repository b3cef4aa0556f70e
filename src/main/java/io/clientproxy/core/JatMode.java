package io.clientproxy.core;

import java.util.Locale;

/** How a sender is encoded in the resource of the address the target sees. */
public enum JatMode {
    /** An unguessable random token, stable per sender while the sender is mapped. */
    OPAQUE,
    /** The sender's full JID, as mod_client_proxy does: the implementing client sees who asks. */
    TRANSPARENT;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JatMode parse(String value) {
        for (JatMode mode : values()) {
            if (mode.configName().equals(value)) {
                return mode;
            }
        }
        return null;
    }
}
