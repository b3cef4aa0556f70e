package io.clientproxy.standalone;

import java.util.Locale;

/** Events of the standalone adapter itself; the routing counters are the core's ({@link io.clientproxy.core.Counter}). */
public enum StandaloneCounter {
    /** Successful handshakes after the first one. */
    RECONNECTS,
    /** Established streams that ended other than by our own close. */
    CONNECTION_LOSSES,
    /** Connection or handshake attempts that failed. */
    CONNECT_FAILURES,
    /** Answers owed to senders that could never be sent (the stream did not come back in time, or too many were held). */
    LOST_REQUESTS,
    /** Stanzas on which the adapter or the core failed; IQ requests among them were answered internal-server-error. */
    INTERNAL_ERRORS,
    /** Top-level elements that are not iq, message or presence. */
    NOT_A_STANZA,
    /** Stanzas other than answers to senders that could not be written (subscriptions, forwards). */
    SEND_FAILURES,
    /** IQ requests over a {@link StanzaLimits} limit, answered policy-violation without being parsed. */
    REQUESTS_OVER_LIMIT,
    /** Other stanzas over {@code max-stanza-size}, skipped unparsed. */
    DROPPED_TOO_LARGE("dropped/too-large"),
    /** Other stanzas over {@code max-stanza-depth}, skipped unparsed. */
    DROPPED_TOO_DEEP("dropped/too-deep"),
    /** Other stanzas with an element over {@code max-attributes}, skipped unparsed. */
    DROPPED_TOO_MANY_ATTRIBUTES("dropped/too-many-attributes"),
    /** Other stanzas with a name over {@code max-name-length}, skipped unparsed. */
    DROPPED_NAME_TOO_LONG("dropped/name-too-long"),
    /**
     * Stanzas addressed to a domain that is not the component's (a listener shared with other
     * components routes them here), never acted on.
     */
    DROPPED_FOREIGN_DOMAIN("dropped/foreign-domain"),
    /** Keepalive pings (XEP-0199) sent to the server. */
    KEEPALIVES_SENT,
    /** Streams ended because nothing arrived within {@code read-timeout}. */
    READ_TIMEOUTS,
    /** Streams ended because a write did not complete within {@code write-timeout}. */
    WRITE_TIMEOUTS;

    private final String key;

    StandaloneCounter() {
        this.key = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    StandaloneCounter(String key) {
        this.key = key;
    }

    /** The name in statistics and logs, e.g. {@code lost-requests}. */
    public String key() {
        return key;
    }
}
