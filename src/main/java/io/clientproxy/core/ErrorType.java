package io.clientproxy.core;

import java.util.Locale;

/** The RFC 6120 (8.3.2) error types: what the sender should do about an error. */
public enum ErrorType {
    AUTH, CANCEL, CONTINUE, MODIFY, WAIT;

    private final String xml = name().toLowerCase(Locale.ROOT);

    public String xml() {
        return xml;
    }
}
