package io.clientproxy.core;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The pending requests, both ways: a sender's to the target and the target's to a sender, kept in
 * the shard of the sender's {@link JatTable mapping}, under its lock. Admits them within every
 * bound ({@link MaxPending}, {@code max-pending-per-sender}, {@code rate-limit}), matches replies
 * to them, moves them between resources, times them out. Each is settled exactly once: whoever
 * takes it out of its shard first (reply, timeout, move, shutdown) is the one who answers it.
 */
final class PendingTable<S> {
    private static final StanzaError TOO_MANY_PENDING = StanzaError.of(Condition.RESOURCE_CONSTRAINT,
            "too many requests are pending at this service; try again later");
    private static final StanzaError TOO_MANY_FROM_SENDER = StanzaError.of(Condition.RESOURCE_CONSTRAINT,
            "too many of your requests are pending at this service; wait for their answers");
    private static final StanzaError TOO_FAST = StanzaError.of(Condition.POLICY_VIOLATION,
            "too many requests from you; slow down");
    private static final StanzaError DUPLICATE_OUTBOUND_ID = StanzaError.of(Condition.BAD_REQUEST,
            "a request with this id to this sender is still pending; use a new id");

    private final JatTable<S> table;
    private final MaxPending maxPending;
    private final int maxPerSender;
    private final ProxyCounters counters;
    private final long timeoutMillis;

    PendingTable(JatTable<S> table, ProxySettings settings, ProxyCounters counters) {
        this.table = table;
        this.maxPending = new MaxPending(table.shards(), settings.maxPending());
        this.maxPerSender = settings.maxPendingPerSender();
        this.counters = counters;
        this.timeoutMillis = settings.requestTimeout().toMillis();
    }

    /**
     * Records a request and picks the resource it goes to, or refuses it.
     *
     * @return the new {@link PendingRequest}, or the {@link StanzaError} to answer with
     */
    Outcome admit(Jid sender, String id, S stanza, Jid addressUsed, IqType type,
                  TargetResource[] online, Balancer balancer, long now) {
        JatShard<S> shard = table.shardOf(sender);
        synchronized (shard) {
            SenderMapping<S> mapping = table.mappingFor(shard, sender, now);
            if (mapping == null) {
                return JatTable.TOO_MANY_SENDERS;
            }
            if (mapping.rate != null && !mapping.rate.tryAcquire(now)) {
                return TOO_FAST;
            }
            PendingRequest<S> earlier = mapping.pending(id);
            if (earlier != null) {
                // Ids are unique per stream, not forever: a sender whose stream dropped comes back
                // with the same full JID and may use the id again. The earlier request can no
                // longer be answered without its answer looking like this one's: it is settled
                // without an answer, and its late answer, with its own forward number, is dropped.
                shard.settle(earlier, now);
                counters.count(Counter.REQUESTS_SUPERSEDED);
            }
            if (mapping.pendingCount() >= maxPerSender) {
                return TOO_MANY_FROM_SENDER;
            }
            if (maxPending.reached(shard)) {
                return TOO_MANY_PENDING;
            }
            TargetResource resource = balancer.pick(online, sender);
            resource.addInFlight(shard.index, 1);
            PendingRequest<S> request = new PendingRequest<>(mapping, id, stanza, addressUsed, type,
                    now + timeoutMillis, resource, false);
            request.forward = mapping.nextForward();
            request.sentAt = now;
            mapping.lastAddressUsed = addressUsed;
            shard.add(request);
            return request;
        }
    }

    /**
     * Records a request from the target's {@code requester} to the sender that {@code token} maps.
     *
     * @return the new outbound {@link PendingRequest}, or the {@link StanzaError} for the target
     * ({@link JatTable#UNKNOWN_SENDER} when the token maps nobody who wrote to the component)
     */
    Outcome admitOutbound(String token, String id, S stanza, IqType type, TargetResource requester, long now) {
        JatShard<S> shard = table.shardOfTokenOrNull(token);
        if (shard == null) {
            return JatTable.UNKNOWN_SENDER;
        }
        synchronized (shard) {
            SenderMapping<S> mapping = table.byToken(shard, token);
            if (mapping == null || mapping.lastAddressUsed == null) {
                return JatTable.UNKNOWN_SENDER;
            }
            if (mapping.outbound(id) != null) {
                return DUPLICATE_OUTBOUND_ID;
            }
            if (maxPending.reached(shard)) {
                return TOO_MANY_PENDING;
            }
            PendingRequest<S> request = new PendingRequest<>(mapping, id, stanza, mapping.lastAddressUsed, type,
                    now + timeoutMillis, requester, true);
            shard.add(request);
            return request;
        }
    }

    /**
     * Matches a result or error from a sender to a request the target sent it, and settles it.
     *
     * @return the settled outbound {@link PendingRequest}, or the {@link DropReason} for the reply
     */
    Outcome settleOutboundReply(Jid from, String id, long now) {
        JatShard<S> shard = table.shardOf(from);
        synchronized (shard) {
            SenderMapping<S> mapping = shard.bySender.get(from);
            if (mapping == null) {
                return DropReason.NOT_FROM_TARGET;
            }
            PendingRequest<S> request = mapping.outbound(id);
            if (request == null) {
                return DropReason.NOT_PENDING;
            }
            shard.settle(request, now);
            return request;
        }
    }

    /**
     * Matches a result or error from the target to its pending request and settles it.
     *
     * @param token the resource of the address the reply was sent to
     * @param from  the full JID the reply came from
     * @return the settled {@link PendingRequest}, or the {@link DropReason} for the reply
     */
    Outcome settleReply(String token, String forwardId, Jid from, long now) {
        return underReply(token, forwardId, from, (shard, request) -> {
            shard.settle(request, now);
            return request;
        });
    }

    /** A pending request and the resource it was with when a reply from there was matched to it. */
    record Held<S>(PendingRequest<S> request, TargetResource resource) implements Outcome {
    }

    /**
     * Finds, without settling it, the pending request that a reply from {@code from} answers.
     *
     * @return a {@link Held}, or the {@link DropReason} for the reply
     */
    Outcome pendingReply(String token, String forwardId, Jid from) {
        return underReply(token, forwardId, from, (shard, request) -> new Held<>(request, request.resource));
    }

    /** What to do, under the shard lock, with the pending request a reply answers. */
    @FunctionalInterface
    private interface ReplyAction<S> {
        Outcome apply(JatShard<S> shard, PendingRequest<S> request);
    }

    /** Finds, under its shard's lock, the request a reply answers and applies {@code action}; else the {@link DropReason}. */
    private Outcome underReply(String token, String forwardId, Jid from, ReplyAction<S> action) {
        JatShard<S> shard = table.shardOfTokenOrNull(token);
        if (shard == null) {
            return DropReason.UNKNOWN_TOKEN;
        }
        synchronized (shard) {
            Outcome found = answered(shard, token, forwardId, from);
            if (found instanceof PendingRequest<?>) {
                @SuppressWarnings("unchecked")
                PendingRequest<S> request = (PendingRequest<S>) found;
                return action.apply(shard, request);
            }
            return found;
        }
    }

    /**
     * The pending request a reply to {@code <component>/<token>} with id {@code forwardId} from
     * {@code from} answers: the mapping's request with the sender's id that id carries, if its
     * current forward has that number and went to {@code from}. Caller holds the shard lock.
     *
     * @return the {@link PendingRequest}, or the {@link DropReason}
     */
    private Outcome answered(JatShard<S> shard, String token, String forwardId, Jid from) {
        SenderMapping<S> mapping = table.byToken(shard, token);
        if (mapping == null) {
            return DropReason.UNKNOWN_TOKEN;
        }
        int dot = PendingRequest.separatorOf(forwardId);
        long forward = PendingRequest.forwardOf(forwardId, dot);
        if (forward < 0) {
            return DropReason.NOT_PENDING;
        }
        PendingRequest<S> request = mapping.pending(forwardId, dot + 1);
        if (request == null || request.forward != forward) {
            return DropReason.NOT_PENDING;
        }
        if (!request.resource.jid().equals(from)) {
            return DropReason.WRONG_RESOURCE;
        }
        return request;
    }

    /**
     * A request's resource has gone offline: point it at {@code replacement} (when not null), or
     * settle it. Does nothing when the request has been settled or moved meanwhile.
     *
     * @return true if the request was moved to the replacement, false if it is settled now by the
     * caller (who must answer the sender), null if there was nothing to do
     */
    Boolean moveOrSettle(PendingRequest<S> request, TargetResource from, TargetResource replacement, long now) {
        JatShard<S> shard = table.shardOf(request.sender());
        synchronized (shard) {
            if (request.settled || request.resource != from) {
                return null;
            }
            if (replacement != null && !request.outbound) {
                request.leave(from);
                request.forward = request.mapping.nextForward();
                from.addInFlight(shard.index, -1);
                replacement.addInFlight(shard.index, 1);
                request.resource = replacement;
                request.sentAt = now;
                return Boolean.TRUE;
            }
            shard.settle(request, now);
            return Boolean.FALSE;
        }
    }

    /**
     * Settles every request whose deadline has passed and hands it to {@code expired}; forgets
     * the mappings idle for {@code jat-idle-timeout}, those just settled included (one pass per shard).
     */
    void expire(long now, Consumer<PendingRequest<S>> expired) {
        List<PendingRequest<S>> due = new ArrayList<>();
        for (JatShard<S> shard : table.shards()) {
            synchronized (shard) {
                PendingRequest<S> head;
                while ((head = shard.byDeadline.first()) != null && head.deadline <= now) {
                    shard.settle(head, now);
                    due.add(head);
                }
                table.forgetIdle(shard, now);
            }
        }
        due.forEach(expired);
    }

    /**
     * For each resource holding a request forwarded to it at or before {@code forwardedBefore}
     * (monotonic ms), when the oldest of them was forwarded. Looks only at requests admitted by
     * then (the oldest of each shard, in deadline order), so a tick costs nothing while every
     * request is answered quickly.
     */
    Map<TargetResource, Long> oldestHeld(long forwardedBefore) {
        Map<TargetResource, Long> oldest = new IdentityHashMap<>();
        for (JatShard<S> shard : table.shards()) {
            synchronized (shard) {
                for (PendingRequest<S> r = shard.byDeadline.first();
                     r != null && r.deadline - timeoutMillis <= forwardedBefore; r = shard.byDeadline.next(r)) {
                    if (!r.outbound && r.sentAt <= forwardedBefore) {
                        oldest.merge(r.resource, r.sentAt, Math::min);
                    }
                }
            }
        }
        return oldest;
    }

    /** The requests that are with {@code resource} now (a snapshot). */
    List<PendingRequest<S>> pointingAt(TargetResource resource) {
        List<PendingRequest<S>> found = new ArrayList<>();
        for (JatShard<S> shard : table.shards()) {
            synchronized (shard) {
                for (PendingRequest<S> r = shard.byDeadline.first(); r != null; r = shard.byDeadline.next(r)) {
                    if (r.resource == resource) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    /** Settles every pending request (shutdown) and returns them. */
    List<PendingRequest<S>> drain(long now) {
        List<PendingRequest<S>> all = new ArrayList<>();
        for (JatShard<S> shard : table.shards()) {
            synchronized (shard) {
                PendingRequest<S> head;
                while ((head = shard.byDeadline.first()) != null) {
                    shard.settle(head, now);
                    all.add(head);
                }
            }
        }
        return all;
    }

    /** The shard of a sender's requests, which is also the stripe of the counters they update. */
    int shardOf(Jid sender) {
        return table.shardOfSender(sender);
    }

    int pendingCount() {
        return maxPending.total();
    }
}
