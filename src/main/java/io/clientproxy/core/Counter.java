package io.clientproxy.core;

import java.util.Locale;

/** Monotonic event counts of one proxy instance. */
public enum Counter {
    /** Requests received from senders and forwarded to the target. */
    REQUESTS_FORWARDED,
    /** Results and errors from the target delivered to the original sender. */
    REPLIES_DELIVERED,
    /** Pending get requests moved to another resource because theirs went offline or bounced them. */
    REQUESTS_MOVED,
    /**
     * Errors from the resource holding a request that say the resource is going away
     * ({@code recipient-unavailable}, {@code service-unavailable}, {@code remote-server-not-found},
     * {@code not-authorized}): the server's answers for a dying session, which come before its
     * unavailable presence.
     */
    BOUNCES,
    /** Pending requests answered with an error because nobody answered in time. */
    TIMEOUTS,
    /**
     * Pending requests settled without an answer because the same sender (full JID) sent a new
     * request with the same id: its stream was replaced, so an answer could only reach the new one.
     */
    REQUESTS_SUPERSEDED,
    /** Error replies the proxy generated itself (all conditions). */
    ERRORS_SENT,
    /** Target resources that came online. */
    RESOURCES_ONLINE_EVENTS,
    /** Target resources that went offline (unavailable or error presence). */
    RESOURCES_OFFLINE_EVENTS,
    /** Subscription requests sent to the target. */
    SUBSCRIBES_SENT,
    /** Presence probes sent to the target. */
    PROBES_SENT,
    /** Denials of the subscription by the target ({@code unsubscribed}, {@code unsubscribe}). */
    SUBSCRIPTION_DENIALS,
    /** Error presence from the target's bare JID: the subscription request (or another presence) bounced. */
    SUBSCRIPTION_BOUNCES,
    /** JAT mappings that expired after being idle. */
    MAPPINGS_EXPIRED,
    /**
     * Senders that got an opaque token in transparent mode because their full JID is longer than a
     * resourcepart may be (1,023 octets of UTF-8, RFC 7622 section 3.4).
     */
    OPAQUE_FALLBACKS,
    /** Disco queries the component answered itself (disco local or fallback). */
    DISCO_ANSWERED,
    /** Requests from the target forwarded to a mapped sender (outbound-requests). */
    OUTBOUND_FORWARDED,
    /** Senders' answers to those requests delivered to the target's resource. */
    OUTBOUND_REPLIES_DELIVERED,
    /** Outbound requests settled without an answer because the target's resource that asked went offline. */
    OUTBOUND_ABANDONED,
    /** Messages from senders forwarded to a resource of the target (messages option). */
    MESSAGES_TO_TARGET,
    /** Messages from the target forwarded to a mapped sender. */
    MESSAGES_TO_SENDERS,
    /** Message errors translated back to the target's resource. */
    MESSAGE_BOUNCES,
    /** Presence the component sent users about the service itself (subscribers, probes: {@link ServicePresence}). */
    SERVICE_PRESENCE_SENT,
    /** Admin commands run. */
    COMMANDS_RUN,
    /** XEP-0199 pings sent to a resource of the target that held a request too long, or is out of rotation (resource health). */
    HEALTH_PINGS,
    /** Times a resource of the target went out of rotation: it held a request too long and did not answer a ping. */
    RESOURCES_OUT_OF_ROTATION,
    /** Gets a resource answered feature-not-implemented or service-unavailable, tried on another resource. */
    REQUESTS_REFUSED,
    /** Times a resource stopped getting a kind of request (payload namespace) it refused while another served it. */
    KINDS_REFUSED,
    /** (cluster) Stanzas to an encoded address this node does not know, handed to the node(s) whose it may be. */
    HANDED_OVER,
    /** (cluster) Facts about the target's presence received from other nodes. */
    CLUSTER_EVENTS;

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String key() {
        return key;
    }
}
