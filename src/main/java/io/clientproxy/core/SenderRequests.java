package io.clientproxy.core;

import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Requests from senders to the target (RFC 6120 8.2.3, IQ semantics): admitted (allowed sender,
 * an online resource, within the bounds), forwarded to one resource from the sender's encoded
 * address ({@code component/<token>}) under a forward id of the proxy's own, answered by pairing
 * the target's result or error with exactly that forward, moved when the resource bounces it or
 * goes away (a get may move, a set may not: see {@link Relocation}), and timed out with {@code
 * remote-server-timeout}. Every admitted request gets exactly one answer.
 */
final class SenderRequests<S> {
    private static final Logger log = Refusals.log;

    static final StanzaError TIMEOUT = StanzaError.of(Condition.REMOTE_SERVER_TIMEOUT,
            "the service did not answer in time");
    static final StanzaError RESOURCE_BOUNCED = StanzaError.of(Condition.RECIPIENT_UNAVAILABLE,
            "the service resource handling this request went away before answering; "
                    + "it may or may not have acted on it");

    /**
     * How long (ms) new requests avoid a resource that bounced one, unless its presence comes
     * first. Short: a server's bounce is followed within milliseconds by the unavailable
     * presence, while a bot's own {@code service-unavailable} (the usual answer to a request it
     * does not support, RFC 6120 8.3.3.19) looks the same and must not take it out for long.
     */
    static final long SUSPECT_MILLIS = 5_000;

    /**
     * The conditions of an error from the resource holding a request that mean "this session is
     * going away" (RFC 6120 8.3.3): what Tigase, Prosody (XEP-0198 hibernation ending) and others
     * answer for a dying session before its unavailable presence arrives.
     */
    private static boolean isBounce(String condition) {
        return condition != null && switch (condition) {
            case "recipient-unavailable", "service-unavailable", "remote-server-not-found", "not-authorized" -> true;
            default -> false;
        };
    }

    private final PendingTable<S> pending;
    private final ResourcePool pool;
    private final Balancer balancer;
    private final LongSupplier clock;
    private final ProxyCounters counters;
    private final Outbox<S> outbox;
    private final Refusals<S> refusals;
    private final Relocation<S> relocation;
    private final TargetPresence<S> presence;
    private final ClusterNode<S> cluster;
    private final ResourceHealth<S> health;

    SenderRequests(PendingTable<S> pending, ResourcePool pool, Balancer balancer, LongSupplier clock, ProxyCounters counters,
                   Outbox<S> outbox, Refusals<S> refusals, Relocation<S> relocation, TargetPresence<S> presence,
                   ClusterNode<S> cluster, ResourceHealth<S> health) {
        this.pending = pending;
        this.pool = pool;
        this.balancer = balancer;
        this.clock = clock;
        this.counters = counters;
        this.outbox = outbox;
        this.refusals = refusals;
        this.relocation = relocation;
        this.presence = presence;
        this.cluster = cluster;
        this.health = health;
    }

    /**
     * Conditions with which a resource says it cannot serve a request (RFC 6120 8.3.3.9,
     * 8.3.3.19), where another resource of the same bot may: a get so answered is tried on the
     * others first (see {@link RefusedKinds}).
     */
    private static boolean isRefusal(String condition) {
        return "feature-not-implemented".equals(condition) || "service-unavailable".equals(condition);
    }

    /**
     * A sender's get or set: admitted and forwarded to one online resource, or answered with an error.
     *
     * @param namespace its payload's namespace (the kind of request), null when unknown
     */
    void forward(S stanza, Jid sender, Jid addressUsed, String id, IqType type, String namespace) {
        long now = clock.getAsLong();
        TargetResource[] online = presence.resourcesFor(stanza, sender, addressUsed, now);
        if (online == null) {
            return;
        }
        online = pool.servingKind(online, namespace, now);
        Outcome outcome = pending.admit(sender, id, stanza, addressUsed, type, online, balancer, now);
        if (outcome instanceof StanzaError error) {
            refusals.reject(stanza, addressUsed, sender, error);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        TargetResource resource = request.resource;
        if (log.isLoggable(Level.FINEST)) {
            log.finest("request " + sender + " -> " + addressUsed + " id=" + id + " forwarded as "
                    + request.mapping.encoded + " -> " + resource.jid());
        }
        counters.count(Counter.REQUESTS_FORWARDED, pending.shardOf(sender));
        outbox.forwardRequest(stanza, request.mapping.encoded, resource.jid(), request.forwardId());
        if (!resource.isOnline()) {
            // The resource left between the pick and now, and the sweep may have missed this request.
            relocation.relocate(request, resource);
        }
    }

    /**
     * A result or error from the target to {@code component/<token>}: the answer to one forward,
     * back to its sender; an error that says the resource is going away moves the request instead.
     * Answers that pair with nothing pending are dropped (or handed to the cluster node that
     * issued the token), never answered: an IQ response gets no response (RFC 6120 8.2.3).
     *
     * @param token the resource of the address it was sent to; null when it was sent to the bare component
     */
    void onAnswer(S stanza, Jid from, String token, String id, IqType type, String errorCondition) {
        if (id == null || id.isEmpty()) {
            refusals.drop(DropReason.NO_ID, stanza);
        } else if (token == null) {
            refusals.drop(DropReason.UNKNOWN_TOKEN, stanza);
        } else if (ResourceHealth.isPingAddress(token)) {
            health.onAnswer(stanza, from, token, id);
        } else if (type == IqType.ERROR && (isBounce(errorCondition) || isRefusal(errorCondition))) {
            bounced(stanza, from, token, id, errorCondition);
        } else {
            deliverReply(stanza, from, token, id, type == IqType.RESULT);
        }
    }

    private void deliverReply(S stanza, Jid from, String token, String id, boolean result) {
        long now = clock.getAsLong();
        Outcome outcome = pending.settleReply(token, id, from, now);
        if (outcome instanceof DropReason reason) {
            cluster.dropOrHandOver(reason, stanza, token);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        int shard = pending.shardOf(request.sender());
        answered(request, shard, result, now);
        if (log.isLoggable(Level.FINEST)) {
            log.finest("reply " + from + " id=" + id + " delivered " + request.addressUsed + " -> " + request.sender());
        }
        counters.count(Counter.REPLIES_DELIVERED, shard);
        outbox.forwardAnswer(stanza, request.stanza, request.addressUsed, request.sender());
    }

    /** The resource's figures; and, when it answers a kind others refused or it refused, what that tells. */
    private void answered(PendingRequest<S> request, int shard, boolean result, long now) {
        TargetResource resource = request.resource;
        resource.stats().answered(shard, result, now - request.sentAt);
        if (result && (request.refusedBy != null || resource.hasRefusedKinds())) {
            kindServed(request, resource, now);
        }
    }

    /** Out of {@link #answered}: rare, and the hot path stays small enough to inline. */
    private void kindServed(PendingRequest<S> request, TargetResource resource, long now) {
        if (request.refusedBy != null) {
            health.servedAfterRefusals(request, resource, now);
        } else {
            resource.served(relocation.kindOf(request));
        }
    }

    /**
     * The resource holding a request answered it with an error that says the resource is going
     * away (see {@link #isBounce}): the resource is avoided for a while, a get moves to a
     * resource it has not been on, a set is answered {@code recipient-unavailable} (it may have
     * been acted on). A get that has been on every online resource gets this error as its answer.
     * A get answered {@code feature-not-implemented} moves the same way, without the resource being
     * avoided; a set so answered gets that answer.
     */
    private void bounced(S stanza, Jid from, String token, String id, String condition) {
        Outcome outcome = pending.pendingReply(token, id, from);
        if (outcome instanceof DropReason reason) {
            cluster.dropOrHandOver(reason, stanza, token);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingTable.Held<S> held = (PendingTable.Held<S>) outcome;
        PendingRequest<S> request = held.request();
        long now = clock.getAsLong();
        if (!isBounce(condition)) {
            // feature-not-implemented: the bot's own answer that it cannot do this; a set has it as its answer.
            // Only the target's answers to inbound requests are found here: a set has its refusal as its answer.
            if (request.type != IqType.GET) {
                if (held.resource().hasRefusedKinds()) { // refusedAgain needs a refusal before; spares the payload's namespace
                    health.refusedAgain(held.resource(), relocation.kindOf(request), now);
                }
                deliverReply(stanza, from, token, id, false);
                return;
            }
            counters.count(Counter.REQUESTS_REFUSED);
        } else {
            counters.count(Counter.BOUNCES);
            pool.suspect(held.resource(), now + SUSPECT_MILLIS);
            log.fine(() -> "target resource " + from + " bounced request id=" + id + "; avoided for "
                    + SUSPECT_MILLIS + " ms unless its presence comes");
        }
        held.resource().stats().answered(pending.shardOf(request.sender()), false, now - request.sentAt);
        if (request.type == IqType.GET && isRefusal(condition)) {
            request.refusedBy(held.resource());
        }
        TargetResource replacement = request.type == IqType.GET ? relocation.untried(request, held.resource(), now) : null;
        Boolean moved = pending.moveOrSettle(request, held.resource(), replacement, now);
        if (moved == null) {
            refusals.drop(DropReason.NOT_PENDING, stanza);
        } else if (moved) {
            relocation.sendMoved(request, replacement);
            if (!replacement.isOnline()) {
                relocation.relocate(request, replacement);
            }
        } else if (request.type == IqType.GET) {
            // Every resource has had it: this is the target's answer.
            counters.count(Counter.REPLIES_DELIVERED, pending.shardOf(request.sender()));
            outbox.forwardAnswer(stanza, request.stanza, request.addressUsed, request.sender());
        } else {
            refusals.reject(request.stanza, request.addressUsed, request.sender(), RESOURCE_BOUNCED);
        }
    }

    /**
     * Answers every request overdue at {@code now} with {@code remote-server-timeout}: a sender's,
     * and the target's own requests (which share the table) to their resource.
     */
    void expire(long now) {
        pending.expire(now, request -> {
            counters.count(Counter.TIMEOUTS);
            if (!request.outbound) {
                request.resource.stats().add(ResourceStats.TIMEOUTS, pending.shardOf(request.sender()), 1);
            }
            refusals.answerAsker(request, TIMEOUT);
        });
    }
}
