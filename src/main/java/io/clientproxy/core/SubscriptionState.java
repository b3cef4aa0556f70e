package io.clientproxy.core;

import java.util.Locale;

/**
 * Where the component's presence subscription to the target stands (RFC 6121 3): what the
 * counters, the {@code list-resources} command and the no-resource error report.
 */
public enum SubscriptionState {
    /** Nothing sent yet (the component has not started, or the stream is not up). */
    NEVER_ASKED("the proxy has not asked for its presence yet"),
    /** {@code subscribe} sent, no answer yet: the target account has not approved it (or it was lost). */
    PENDING("its account has not approved the proxy's presence subscription"),
    /** The target approved ({@code subscribed}): its resources' presence reaches the component. */
    SUBSCRIBED(null),
    /** The target denied or cancelled it ({@code unsubscribed}, {@code unsubscribe}). */
    DENIED("its account denied the proxy's presence subscription"),
    /** The target's server answered with an error presence: the request did not get through. */
    BOUNCING("its server refused the proxy's presence subscription request");

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');
    private final String whyNoResource;

    SubscriptionState(String whyNoResource) {
        this.whyNoResource = whyNoResource;
    }

    /** {@code never-asked}, {@code pending}, {@code subscribed}, {@code denied}, {@code bouncing}. */
    public String key() {
        return key;
    }

    /** Why the proxy knows no resource, in this state; null when subscribed (then none is online). */
    String whyNoResource() {
        return whyNoResource;
    }
}
