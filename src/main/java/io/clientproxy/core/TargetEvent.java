package io.clientproxy.core;

/**
 * What one node of a cluster learnt of the target's presence and tells the others: in a Tigase
 * cluster the target's presence reaches only the component instance on the node where the
 * target's session is, so every other instance learns its resources from these.
 *
 * @param kind     what happened
 * @param resource the resource's full JID ({@link Kind#ONLINE}, {@link Kind#OFFLINE}); null otherwise
 * @param priority the presence priority (RFC 6121 4.7.2.3), for {@link Kind#ONLINE}; 0 otherwise
 */
public record TargetEvent(Kind kind, Jid resource, int priority) {
    public enum Kind {
        /** A resource of the target is online (available presence), with this priority. */
        ONLINE,
        /** A resource of the target went offline. */
        OFFLINE,
        /** The target has no resource online at all (unavailable presence from its bare JID). */
        ALL_OFFLINE,
        /** The target approved the subscription ({@code subscribed}). */
        SUBSCRIBED,
        /** The target denied or cancelled the subscription: its resources are unknown. */
        DENIED,
        /**
         * Not a fact but a question: the sending node's instance is up and asks for what the
         * receiver knows first-hand. Needed because the facts a node sends when it sees another
         * node connect can arrive before the component on that node exists, and are then lost.
         */
        HELLO
    }

    public static TargetEvent of(Kind kind) {
        return new TargetEvent(kind, null, 0);
    }
}
