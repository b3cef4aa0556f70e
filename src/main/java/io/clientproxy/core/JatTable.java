package io.clientproxy.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JAT table and the pending requests: who each encoded address stands for, and which of that
 * sender's requests are waiting for the target. Split into shards, each under its own lock, with
 * a sender and its token always in the same shard; so requests from different senders and their
 * replies rarely contend. Every bound on state is enforced here.
 */
final class JatTable<S> {
    private final Shard<S>[] shards;
    private final JatCodec codec;
    private final Jid component;
    private final ProxySettings settings;
    private final ProxyCounters counters;
    private final long timeoutMillis;
    private final long idleMillis;
    private static final Logger log = Logger.getLogger(JatTable.class.getName());
    private final AtomicInteger mappingsTotal = new AtomicInteger();
    /** Whether an opaque fallback token (transparent mode) has been logged at INFO yet. */
    private final AtomicBoolean fallbackReported = new AtomicBoolean();
    /** What each shard may hold without looking at the others: max-pending / (16 x shards). */
    private final int pendingShare;
    /** Shard.pending, read by other threads (opaque: plain loads and stores on common hardware, but never cached). */
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Shard.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final StanzaError TOO_MANY_PENDING = StanzaError.of(Condition.RESOURCE_CONSTRAINT,
            "too many requests are pending at this service; try again later");
    private static final StanzaError TOO_MANY_FROM_SENDER = StanzaError.of(Condition.RESOURCE_CONSTRAINT,
            "too many of your requests are pending at this service; wait for their answers");
    private static final StanzaError TOO_MANY_SENDERS = StanzaError.of(Condition.RESOURCE_CONSTRAINT,
            "this service is serving too many senders; try again later");
    private static final StanzaError TOO_FAST = StanzaError.of(Condition.POLICY_VIOLATION,
            "too many requests from you; slow down");

    /** A shard's state; the shard object is its lock (padded: see {@link CacheLinePadding}). */
    private static final class Shard<S> extends CacheLinePadding {
        final HashMap<Jid, SenderMapping<S>> bySender = new HashMap<>();
        /** Mappings by the slot their token names (opaque tokens); null otherwise. */
        final TokenSlots<S> slots;
        /** Mappings by token (transparent tokens: the sender's full JID); null otherwise. */
        final HashMap<String, SenderMapping<S>> byToken;
        /** Pending requests in deadline order: every request gets the same timeout. */
        final IntrusiveList<PendingRequest<S>> byDeadline = new IntrusiveList<>();
        /** Mappings with no pending request, longest idle first. */
        final IntrusiveList<SenderMapping<S>> idle = new IntrusiveList<>();
        /** Pending requests in this shard (byDeadline's size); written under the lock, read by others through PENDING. */
        int pending;
        /** Its place in the table: the stripe of the counters it updates. */
        final int index;
        @SuppressWarnings("unused")
        private Object q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

        Shard(int index, boolean usesSlots) {
            this.index = index;
            this.slots = usesSlots ? new TokenSlots<>(JatCodec.Opaque.MAX_SLOTS) : null;
            this.byToken = usesSlots ? null : new HashMap<>();
        }
    }

    @SuppressWarnings("unchecked")
    JatTable(ProxySettings settings, Jid component, int shardCount, ProxyCounters counters) {
        this.settings = settings;
        this.component = component;
        this.counters = counters;
        this.codec = JatCodec.of(settings.jatMode(), shardCount);
        // No generic array creation in Java: an array of Shard<?> cast once, here.
        this.shards = (Shard<S>[]) new Shard<?>[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new Shard<>(i, codec.usesSlots());
        }
        this.pendingShare = settings.maxPending() / (16 * shardCount);
        this.timeoutMillis = settings.requestTimeout().toMillis();
        this.idleMillis = settings.jatIdleTimeout().toMillis();
    }

    /**
     * Records a request and picks the resource it goes to, or refuses it.
     *
     * @return the new {@link PendingRequest}, or the {@link StanzaError} to answer with
     */
    Outcome admit(Jid sender, String id, S stanza, Jid addressUsed, IqType type,
                  TargetResource[] online, Balancer balancer, long now) {
        Shard<S> shard = shards[codec.shardOf(sender)];
        synchronized (shard) {
            SenderMapping<S> mapping = mappingFor(shard, sender, now);
            if (mapping == null) {
                return TOO_MANY_SENDERS;
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
                settle(shard, earlier, now);
                counters.count(Counter.REQUESTS_SUPERSEDED);
            }
            if (mapping.pendingCount() >= settings.maxPendingPerSender()) {
                return TOO_MANY_FROM_SENDER;
            }
            if (atMaxPending(shard)) {
                return TOO_MANY_PENDING;
            }
            PENDING.setOpaque(shard, shard.pending + 1);
            TargetResource resource = balancer.pick(online, sender);
            resource.addInFlight(shard.index, 1);
            PendingRequest<S> request = new PendingRequest<>(mapping, id, stanza, addressUsed, type,
                    now + timeoutMillis, resource, false);
            request.forward = mapping.nextForward();
            request.sentAt = now;
            mapping.lastAddressUsed = addressUsed;
            shard.idle.remove(mapping);
            mapping.add(request);
            shard.byDeadline.addLast(request);
            return request;
        }
    }

    /**
     * Whether max-pending is reached. Each shard may hold a small reserve (max-pending / (16 x
     * shards)) without looking at the others, so a request in a shard below its reserve costs no
     * read of another thread's memory (a shared counter read on every request took a cache line
     * from the other core each time). Past its reserve, a shard admits only while the sum over
     * shards of max(pending, reserve) stays below max-pending: so the total never passes
     * max-pending (concurrent admissions past their reserves may pass it by one each, as a counter
     * checked before adding would), and a request is refused only when at least max-pending minus
     * the unused reserves (under 1/16 of it) are pending. With max-pending below 16 x shards (256)
     * the reserve is 0 and the bound is exact. Caller holds the shard's lock; the other shards' counts
     * are read without theirs.
     */
    private boolean atMaxPending(Shard<S> shard) {
        if (shard.pending < pendingShare) {
            return false;
        }
        long committed = 0;
        for (Shard<S> s : shards) {
            committed += Math.max((int) PENDING.getOpaque(s), pendingShare);
        }
        return committed >= settings.maxPending();
    }

    static final StanzaError UNKNOWN_SENDER = StanzaError.of(Condition.ITEM_NOT_FOUND,
            "no sender is mapped to this address");
    private static final StanzaError DUPLICATE_OUTBOUND_ID = StanzaError.of(Condition.BAD_REQUEST,
            "a request with this id to this sender is still pending; use a new id");

    /**
     * Records a request from the target's {@code requester} to the sender that {@code token} maps.
     *
     * @return the new outbound {@link PendingRequest}, or the {@link StanzaError} for the target
     */
    Outcome admitOutbound(String token, String id, S stanza, IqType type, TargetResource requester, long now) {
        Shard<S> shard = shardOfTokenOrNull(token);
        if (shard == null) {
            return UNKNOWN_SENDER;
        }
        synchronized (shard) {
            SenderMapping<S> mapping = byToken(shard, token);
            if (mapping == null || mapping.lastAddressUsed == null) {
                return UNKNOWN_SENDER;
            }
            if (mapping.outbound(id) != null) {
                return DUPLICATE_OUTBOUND_ID;
            }
            if (atMaxPending(shard)) {
                return TOO_MANY_PENDING;
            }
            PENDING.setOpaque(shard, shard.pending + 1);
            PendingRequest<S> request = new PendingRequest<>(mapping, id, stanza, mapping.lastAddressUsed, type,
                    now + timeoutMillis, requester, true);
            shard.idle.remove(mapping);
            mapping.add(request);
            shard.byDeadline.addLast(request);
            return request;
        }
    }

    /**
     * Matches a result or error from a sender to a request the target sent it, and settles it.
     *
     * @return the settled outbound {@link PendingRequest}, or the {@link DropReason} for the reply
     */
    Outcome settleOutboundReply(Jid from, String id, long now) {
        Shard<S> shard = shards[codec.shardOf(from)];
        synchronized (shard) {
            SenderMapping<S> mapping = shard.bySender.get(from);
            if (mapping == null) {
                return DropReason.NOT_FROM_TARGET;
            }
            PendingRequest<S> request = mapping.outbound(id);
            if (request == null) {
                return DropReason.NOT_PENDING;
            }
            settle(shard, request, now);
            return request;
        }
    }

    /** Where a message goes: its new addresses. */
    record Route(Jid from, Jid to) implements Outcome {
    }

    /**
     * A message from a sender: maps the sender (creating the mapping if needed) and remembers the
     * address it used, so the target can write back.
     *
     * @return the {@link Route} toward the target ({@code to} left null: the caller picks the resource),
     * or a {@link StanzaError}
     */
    Outcome mapMessageSender(Jid sender, Jid addressUsed, long now) {
        Shard<S> shard = shards[codec.shardOf(sender)];
        synchronized (shard) {
            SenderMapping<S> mapping = mappingFor(shard, sender, now);
            if (mapping == null) {
                return TOO_MANY_SENDERS;
            }
            mapping.lastAddressUsed = addressUsed;
            if (mapping.isIdle()) {
                // A conversation keeps the mapping alive: it is idle from now on, not from its last request.
                shard.idle.remove(mapping);
                mapping.idleSince = now;
                shard.idle.addLast(mapping);
            }
            return new Route(mapping.encoded, null);
        }
    }

    /**
     * A message from the target's {@code resource} to {@code <component>/<token>}.
     *
     * @return the {@link Route} to the mapped sender, or null when the token maps nobody
     */
    Route routeToSender(String token, Jid resource) {
        Shard<S> shard = shardOfTokenOrNull(token);
        if (shard == null) {
            return null;
        }
        synchronized (shard) {
            SenderMapping<S> mapping = byToken(shard, token);
            if (mapping == null || mapping.lastAddressUsed == null) {
                return null;
            }
            mapping.lastMessageFrom = resource;
            return new Route(mapping.lastAddressUsed, mapping.sender);
        }
    }

    /** Where a message error from a sender goes: the target's resource that last wrote to it. */
    Route routeBounce(Jid sender) {
        Shard<S> shard = shards[codec.shardOf(sender)];
        synchronized (shard) {
            SenderMapping<S> mapping = shard.bySender.get(sender);
            if (mapping == null || mapping.lastMessageFrom == null) {
                return null;
            }
            return new Route(mapping.encoded, mapping.lastMessageFrom);
        }
    }

    /**
     * The sender's mapping, made (idle, with a new token) if there is none; null when max-mappings
     * is reached and no idle mapping of the shard can make room. Caller holds the shard lock.
     */
    private SenderMapping<S> mappingFor(Shard<S> shard, Jid sender, long now) {
        SenderMapping<S> mapping = shard.bySender.get(sender);
        if (mapping != null) {
            return mapping;
        }
        if (mappingsTotal.get() >= settings.maxMappings() && !evictOldestIdle(shard)) {
            return null;
        }
        int slot = -1;
        if (shard.slots != null && (slot = shard.slots.reserve()) < 0) {
            return null;
        }
        String token = codec.newToken(sender, shard.index, slot);
        if (shard.byToken != null && JatCodec.Transparent.isFallback(token)) {
            // 128 random bits never repeat in practice; still, a token in use must never be issued twice.
            while (shard.byToken.containsKey(token)) {
                token = codec.newToken(sender, shard.index, slot);
            }
            fellBack(sender);
        }
        mapping = new SenderMapping<>(sender, component.withResource(token), slot);
        shard.bySender.put(sender, mapping);
        if (shard.slots != null) {
            shard.slots.put(slot, mapping);
        } else {
            shard.byToken.put(token, mapping);
        }
        mappingsTotal.incrementAndGet();
        mapping.idleSince = now;
        shard.idle.addLast(mapping);
        if (settings.rateLimit() > 0) {
            mapping.rate = new RateLimit(settings.rateLimit(), settings.rateBurst(), now);
        }
        return mapping;
    }

    /**
     * A sender in transparent mode whose full JID is too long to be the encoded address's
     * resourcepart (RFC 7622 section 3.4) got an opaque token: counted, logged at INFO the first
     * time (saying why), at FINE after that.
     */
    private void fellBack(Jid sender) {
        counters.count(Counter.OPAQUE_FALLBACKS);
        if (!fallbackReported.getAndSet(true)) {
            log.info(() -> "jat-mode transparent: the full JID of " + sender.bare() + "/... is "
                    + JatCodec.Transparent.utf8Length(sender.toString()) + " octets of UTF-8, longer than the 1023 a "
                    + "resourcepart may be (RFC 7622 3.4), so the target sees it as an opaque token starting with '@' "
                    + "(counted as opaque-fallbacks; later ones are logged at FINE)");
        } else if (log.isLoggable(Level.FINE)) {
            log.fine("jat-mode transparent: opaque token for a sender whose full JID is too long: " + sender.bare() + "/...");
        }
    }

    private boolean evictOldestIdle(Shard<S> shard) {
        SenderMapping<S> oldest = shard.idle.first();
        if (oldest == null) {
            return false;
        }
        forget(shard, oldest);
        counters.count(Counter.MAPPINGS_EXPIRED);
        return true;
    }

    private void forget(Shard<S> shard, SenderMapping<S> mapping) {
        shard.idle.remove(mapping);
        shard.bySender.remove(mapping.sender);
        if (shard.slots != null) {
            shard.slots.release(mapping.slot);
        } else {
            // The token, not the sender's spelling: a fallback token is not the sender's full JID.
            shard.byToken.remove(mapping.encoded.resource());
        }
        mappingsTotal.decrementAndGet();
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
            settle(shard, request, now);
            return request;
        });
    }

    /** What to do, under the shard lock, with the pending request a reply answers. */
    @FunctionalInterface
    private interface ReplyAction<S> {
        Outcome apply(Shard<S> shard, PendingRequest<S> request);
    }

    /** Finds, under its shard's lock, the request a reply answers and applies {@code action}; else the {@link DropReason}. */
    private Outcome underReply(String token, String forwardId, Jid from, ReplyAction<S> action) {
        Shard<S> shard = shardOfTokenOrNull(token);
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
    private Outcome answered(Shard<S> shard, String token, String forwardId, Jid from) {
        SenderMapping<S> mapping = byToken(shard, token);
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

    /** The shard a token belongs to, or null when it cannot be one of this table's. */
    private Shard<S> shardOfTokenOrNull(String token) {
        int index = codec.shardOf(token);
        return index < 0 ? null : shards[index];
    }

    /** The mapping a token stands for, or null. Caller holds the shard lock. */
    private SenderMapping<S> byToken(Shard<S> shard, String token) {
        if (shard.slots == null) {
            return shard.byToken.get(token);
        }
        SenderMapping<S> mapping = shard.slots.get(codec.slotOf(token));
        return mapping != null && mapping.encoded.resourceMatches(token) ? mapping : null;
    }

    /** Removes a request from every index. Caller holds the shard lock. */
    private void settle(Shard<S> shard, PendingRequest<S> request, long now) {
        request.settled = true;
        if (!request.outbound) {
            request.resource.addInFlight(shard.index, -1);
        }
        SenderMapping<S> mapping = request.mapping;
        mapping.remove(request);
        shard.byDeadline.remove(request);
        PENDING.setOpaque(shard, shard.pending - 1);
        if (mapping.isIdle()) {
            mapping.idleSince = now;
            shard.idle.addLast(mapping);
        }
    }

    /** Settles every request whose deadline has passed and hands it to {@code expired}; forgets idle mappings. */
    void expire(long now, Consumer<PendingRequest<S>> expired) {
        List<PendingRequest<S>> due = new ArrayList<>();
        for (Shard<S> shard : shards) {
            synchronized (shard) {
                PendingRequest<S> head;
                while ((head = shard.byDeadline.first()) != null && head.deadline <= now) {
                    settle(shard, head, now);
                    due.add(head);
                }
                SenderMapping<S> idle;
                while ((idle = shard.idle.first()) != null && idle.idleSince + idleMillis <= now) {
                    forget(shard, idle);
                    counters.count(Counter.MAPPINGS_EXPIRED);
                }
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
    java.util.Map<TargetResource, Long> oldestHeld(long forwardedBefore) {
        java.util.Map<TargetResource, Long> oldest = new java.util.IdentityHashMap<>();
        for (Shard<S> shard : shards) {
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
        for (Shard<S> shard : shards) {
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

    /**
     * A request's resource has gone offline: point it at {@code replacement} (when not null), or
     * settle it. Does nothing when the request has been settled or moved meanwhile.
     *
     * @return true if the request was moved to the replacement, false if it is settled now by the
     * caller (who must answer the sender), null if there was nothing to do
     */
    Boolean moveOrSettle(PendingRequest<S> request, TargetResource from, TargetResource replacement, long now) {
        Shard<S> shard = shards[codec.shardOf(request.sender())];
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
            settle(shard, request, now);
            return Boolean.FALSE;
        }
    }

    /** Settles every pending request (shutdown) and returns them. */
    List<PendingRequest<S>> drain(long now) {
        List<PendingRequest<S>> all = new ArrayList<>();
        for (Shard<S> shard : shards) {
            synchronized (shard) {
                PendingRequest<S> head;
                while ((head = shard.byDeadline.first()) != null) {
                    settle(shard, head, now);
                    all.add(head);
                }
            }
        }
        return all;
    }

    /** The sender an encoded resource stands for, if mapped (for adapters' diagnostics and later features). */
    Jid senderOf(String token) {
        Shard<S> shard = shardOfTokenOrNull(token);
        if (shard == null) {
            return null;
        }
        synchronized (shard) {
            SenderMapping<S> mapping = byToken(shard, token);
            return mapping == null ? null : mapping.sender;
        }
    }

    /** New opaque tokens carry this cluster node tag (0-15). */
    void nodeTag(int tag) {
        codec.nodeTag = tag;
    }

    /** The cluster node tag a token carries, -1 when none. */
    int nodeTagOf(String token) {
        return codec.nodeTagOf(token);
    }

    int shardOfSender(Jid sender) {
        return codec.shardOf(sender);
    }

    /** The shard a token belongs to, -1 when it cannot be one of this table's. */
    int shardOfToken(String token) {
        return codec.shardOf(token);
    }

    int pendingCount() {
        int total = 0;
        for (Shard<S> s : shards) {
            total += (int) PENDING.getOpaque(s);
        }
        return total;
    }

    int mappingCount() {
        return mappingsTotal.get();
    }
}
