package io.clientproxy.core;

/**
 * What the routing table answers when asked to admit a request or match a reply: the pending
 * request itself, or why not ({@link StanzaError} for a refused request, {@link DropReason} for an
 * unmatched reply). A marker rather than a wrapper, so the common path allocates nothing.
 */
interface Outcome {
}
