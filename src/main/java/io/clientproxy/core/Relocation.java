package io.clientproxy.core;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Moving a pending request off a resource that is gone or going: a get moves to another online
 * resource it has not been on (gets have no side effects, RFC 6120 8.2.3), a set is answered with
 * an error, since it may have been acted on, and a request from the target is abandoned (its
 * asker is gone). Used when a resource's presence goes (presence area), when one bounces a
 * request (requests from senders), and when a resource left between being picked and the forward.
 */
final class Relocation<S> {
    static final StanzaError RESOURCE_LEFT = StanzaError.of(Condition.RECIPIENT_UNAVAILABLE,
            "the service resource handling this request went offline before answering; "
                    + "it may or may not have acted on it");

    private final PendingTable<S> pending;
    private final ResourcePool pool;
    private final Balancer balancer;
    private final LongSupplier clock;
    private final ProxyCounters counters;
    private final Outbox<S> outbox;
    private final Refusals<S> refusals;

    Relocation(PendingTable<S> pending, ResourcePool pool, Balancer balancer, LongSupplier clock,
               ProxyCounters counters, Outbox<S> outbox, Refusals<S> refusals) {
        this.pending = pending;
        this.pool = pool;
        this.balancer = balancer;
        this.clock = clock;
        this.counters = counters;
        this.outbox = outbox;
        this.refusals = refusals;
    }

    /**
     * Settles a request whose resource went offline, now rather than at its timeout: a get moves
     * (again, while the resource it moved to turns out gone too), a set gets {@code
     * recipient-unavailable}, a request from the target is counted as abandoned.
     */
    void relocate(PendingRequest<S> request, TargetResource gone) {
        TargetResource from = gone;
        while (true) {
            TargetResource replacement = request.type == IqType.GET && !request.outbound
                    ? untried(request, from, clock.getAsLong()) : null;
            Boolean moved = pending.moveOrSettle(request, from, replacement, clock.getAsLong());
            if (moved == null) {
                return;
            }
            if (!moved) {
                if (request.outbound) {
                    counters.count(Counter.OUTBOUND_ABANDONED);
                } else {
                    refusals.reject(request.stanza, request.addressUsed, request.sender(), RESOURCE_LEFT);
                }
                return;
            }
            sendMoved(request, replacement);
            if (replacement.isOnline()) {
                return;
            }
            from = replacement;
        }
    }

    /** A request that moved: to its new resource, under its new forward id. */
    void sendMoved(PendingRequest<S> request, TargetResource replacement) {
        counters.count(Counter.REQUESTS_MOVED);
        outbox.forwardRequest(request.stanza, request.mapping.encoded, replacement.jid(), request.forwardId());
    }

    /**
     * A resource for a get that leaves {@code current}: one it has not been on, preferring those
     * that have not bounced a request lately; null when there is none.
     */
    TargetResource untried(PendingRequest<S> request, TargetResource current, long now) {
        TargetResource pick = pickAmong(servingItsKind(request, now), request, current);
        return pick != null ? pick : pickAmong(pool.snapshot(), request, current);
    }

    /**
     * A resource in rotation for a get that leaves {@code current} (out of rotation, see {@link
     * ResourceHealth}): one it has not been on; null when there is none.
     */
    TargetResource inRotation(PendingRequest<S> request, TargetResource current, long now) {
        TargetResource pick = pickAmong(servingItsKind(request, now), request, current);
        return pick == null || pick.liveness().state() == Liveness.State.OUT_OF_ROTATION ? null : pick;
    }

    /** The preferred resources, less those that refuse the request's kind (see {@link RefusedKinds}). */
    private TargetResource[] servingItsKind(PendingRequest<S> request, long now) {
        TargetResource[] preferred = pool.preferred(now);
        return pool.anyRefusing() ? pool.servingKind(preferred, kindOf(request), now) : preferred;
    }

    /**
     * The kind of a request: its payload's namespace, null when it has none. Read off the stanza
     * only when needed (a resource refuses some kind), so a pending request does not carry it.
     */
    String kindOf(PendingRequest<S> request) {
        Payload payload = outbox.childOf(request.stanza);
        return payload == null ? null : payload.namespace();
    }

    private TargetResource pickAmong(TargetResource[] online, PendingRequest<S> request, TargetResource current) {
        TargetResource[] candidates = new TargetResource[online.length];
        int n = 0;
        for (TargetResource r : online) {
            if (r != current && !request.hasTried(r)) {
                candidates[n++] = r;
            }
        }
        if (n == 0) {
            return null;
        }
        return balancer.pick(n == online.length ? online : Arrays.copyOf(candidates, n), request.sender());
    }
}
