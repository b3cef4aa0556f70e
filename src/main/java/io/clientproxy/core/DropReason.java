package io.clientproxy.core;

import java.util.Locale;

/** Why an incoming stanza was dropped without an answer. Each has a counter. */
public enum DropReason implements Outcome {
    /** No usable {@code from}: nobody to answer. */
    NO_FROM,
    /** A result or error without an id: it can answer nothing. */
    NO_ID,
    /** A result or error to an encoded address that maps no sender (never issued, or expired). */
    UNKNOWN_TOKEN,
    /** A result or error for a request that is not pending: unsolicited, duplicate or late. */
    NOT_PENDING,
    /** A result or error from a resource other than the one the request went to. */
    WRONG_RESOURCE,
    /** A result or error to the component from someone other than the target. */
    NOT_FROM_TARGET,
    /** A message or presence of type error: errors are never answered (RFC 6120 8.3.1). */
    ERROR_STANZA,
    /** Presence that needs no answer (directed presence, probes and unsubscriptions from others). */
    PRESENCE_IGNORED;

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String key() {
        return key;
    }
}
