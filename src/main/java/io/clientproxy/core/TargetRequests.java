package io.clientproxy.core;

import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Requests from the target to senders (the {@code outbound-requests} setting): a resource of the
 * target sends a get or set to {@code component/<token>}, the proxy forwards it to the sender the
 * token maps, from the address that sender used, and the sender's answer goes back to that
 * resource (RFC 6120 8.2.3). A token this node does not know is handed to the cluster node that
 * issued it, or answered {@code item-not-found}.
 */
final class TargetRequests<S> {
    private static final Logger log = Refusals.log;

    static final StanzaError OUTBOUND_OFF = StanzaError.of(Condition.FEATURE_NOT_IMPLEMENTED,
            "requests from the implementing client to senders are not enabled");

    private final boolean enabled;
    private final PendingTable<S> pending;
    private final LongSupplier clock;
    private final ProxyCounters counters;
    private final Outbox<S> outbox;
    private final Refusals<S> refusals;
    private final Relocation<S> relocation;
    private final TargetPresence<S> presence;
    private final ClusterNode<S> cluster;

    TargetRequests(ProxySettings settings, PendingTable<S> pending, LongSupplier clock, ProxyCounters counters,
                   Outbox<S> outbox, Refusals<S> refusals, Relocation<S> relocation, TargetPresence<S> presence,
                   ClusterNode<S> cluster) {
        this.enabled = settings.outboundRequests();
        this.pending = pending;
        this.clock = clock;
        this.counters = counters;
        this.outbox = outbox;
        this.refusals = refusals;
        this.relocation = relocation;
        this.presence = presence;
        this.cluster = cluster;
    }

    /** Whether the target may send requests to senders ({@code outbound-requests}). */
    boolean enabled() {
        return enabled;
    }

    /**
     * A get or set from a resource of the target to the component: forwarded when it is to an
     * encoded address and outbound requests are on, otherwise answered with an error (the proxy
     * offers the target no service of its own).
     *
     * @param to    the address it was sent to, as written
     * @param token {@code to}'s resource, null when it was sent to the bare component
     */
    void onRequest(S stanza, Jid requester, Jid to, Jid replyFrom, String token, String id, IqType type) {
        if (token != null && enabled) {
            forward(stanza, requester, to, token, id, type);
        } else {
            refusals.reject(stanza, replyFrom, requester, token != null ? OUTBOUND_OFF : Refusals.TARGET_TO_COMPONENT);
        }
    }

    /** A request from the target to {@code <component>/<token>}: on to the sender the token maps. */
    private void forward(S stanza, Jid requester, Jid encoded, String token, String id, IqType type) {
        TargetResource resource = presence.find(requester);
        if (resource == null) {
            // Its presence has not arrived (yet): the answer can still go back to it.
            resource = new TargetResource(requester, 0);
        }
        Outcome outcome = pending.admitOutbound(token, id, stanza, type, resource, clock.getAsLong());
        if (outcome instanceof StanzaError error) {
            if (error != JatTable.UNKNOWN_SENDER) {
                refusals.reject(stanza, encoded, requester, error);
            } else if (!cluster.handOver(stanza, token)) {
                cluster.unknownHere(stanza, encoded, requester, error);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        if (log.isLoggable(Level.FINEST)) {
            log.finest("outbound " + requester + " id=" + id + " -> " + request.addressUsed + " -> " + request.sender());
        }
        counters.count(Counter.OUTBOUND_FORWARDED);
        outbox.forward(stanza, request.addressUsed, request.sender());
        if (!resource.isOnline()) {
            relocation.relocate(request, resource);
        }
    }

    /** A sender's result or error: back to the resource of the target that asked, if it is pending. */
    void onAnswer(S stanza, Jid from, String id) {
        Outcome outcome = pending.settleOutboundReply(from, id, clock.getAsLong());
        if (outcome instanceof DropReason reason) {
            refusals.drop(reason, stanza);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        counters.count(Counter.OUTBOUND_REPLIES_DELIVERED);
        outbox.forward(stanza, request.mapping.encoded, request.resource.jid());
    }
}
