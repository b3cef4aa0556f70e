package io.clientproxy.core;

/**
 * Where the core's decisions go. An adapter implements it by building and sending stanzas of its
 * own kind; {@code S} is the adapter's handle on a received stanza (the Tigase packet, a parsed
 * element), which the core keeps for as long as a request is pending and never looks into.
 *
 * <p>Calls may come from any thread, never while the core holds a lock.
 */
public interface Outbox<S> {
    /** Send a copy of {@code stanza} with only its {@code from} and {@code to} replaced. */
    void forward(S stanza, Jid from, Jid to);

    /**
     * Answer {@code stanza} with an error: same element name and id, {@code type='error'}, the
     * given addresses and an {@code <error/>} child.
     */
    void error(S stanza, Jid from, Jid to, StanzaError error);

    /** Send a presence of the given type ({@code null} for available) with no payload. */
    void presence(Jid from, Jid to, String type);

    /**
     * Answer a disco#info {@code request} with a result carrying {@code info}: one
     * {@code <identity/>} and a {@code <feature/>} per feature, keeping the query's {@code node}.
     */
    default void discoInfo(S request, Jid from, Jid to, DiscoInfo info) {
        throw new UnsupportedOperationException("TODO(standalone): local disco answers");
    }

    /** Answer a disco#items {@code request} with an empty result query, keeping its {@code node}. */
    default void discoItems(S request, Jid from, Jid to) {
        throw new UnsupportedOperationException("TODO(standalone): local disco answers");
    }
}
