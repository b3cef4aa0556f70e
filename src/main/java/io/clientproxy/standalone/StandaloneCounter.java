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
    SEND_FAILURES;

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The name in statistics and logs, e.g. {@code lost-requests}. */
    public String key() {
        return key;
    }
}
