package io.clientproxy.core;

/** A configuration value that the proxy cannot run with; the message names the key and the value. */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public InvalidSettingException(String key, Object value, String why) {
        super("invalid value for '" + key + "': '" + value + "' (" + why + ")");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
