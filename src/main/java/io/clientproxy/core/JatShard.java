package io.clientproxy.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;

/**
 * One shard of the routing state: the mappings of the senders that fall into it ({@link JatTable})
 * and their pending requests ({@link PendingTable}), under the shard object's lock (padded: see
 * {@link CacheLinePadding}). A sender and its token always fall into the same shard, so a request
 * and its reply take the one lock. The methods keep the indexes in step (every pending request in
 * its mapping and in {@link #byDeadline}; a mapping with none in {@link #idle}); the caller holds
 * the lock.
 */
final class JatShard<S> extends CacheLinePadding {
    /** {@link #pending}, read by other threads (opaque: plain loads and stores on common hardware, but never cached). */
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(JatShard.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
    private int pending;
    /** Its place in the table: the stripe of the counters it updates. */
    final int index;
    @SuppressWarnings("unused")
    private Object q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    JatShard(int index, boolean usesSlots) {
        this.index = index;
        this.slots = usesSlots ? new TokenSlots<>(JatCodec.Opaque.MAX_SLOTS) : null;
        this.byToken = usesSlots ? null : new HashMap<>();
    }

    /** The mapping a token stands for, or null. */
    SenderMapping<S> byToken(String token, JatCodec codec) {
        if (slots == null) {
            return byToken.get(token);
        }
        SenderMapping<S> mapping = slots.get(codec.slotOf(token));
        return mapping != null && mapping.encoded.resourceMatches(token) ? mapping : null;
    }

    /** Adds a new mapping, idle from {@code now}, under its sender and its token (in the slot it reserved). */
    void put(SenderMapping<S> mapping, String token, long now) {
        bySender.put(mapping.sender, mapping);
        if (slots != null) {
            slots.put(mapping.slot, mapping);
        } else {
            byToken.put(token, mapping);
        }
        mapping.idleSince = now;
        idle.addLast(mapping);
    }

    /** Removes an idle mapping from every index; its token maps nobody from now on. */
    void forget(SenderMapping<S> mapping) {
        idle.remove(mapping);
        bySender.remove(mapping.sender);
        if (slots != null) {
            slots.release(mapping.slot);
        } else {
            // The token, not the sender's spelling: a fallback token is not the sender's full JID.
            byToken.remove(mapping.encoded.resource());
        }
    }

    /** Makes a new request pending: its mapping is no longer idle. */
    void add(PendingRequest<S> request) {
        PENDING.setOpaque(this, pending + 1);
        idle.remove(request.mapping);
        request.mapping.add(request);
        byDeadline.addLast(request);
    }

    /** Removes a request from every index; its mapping goes idle when it was the last one. */
    void settle(PendingRequest<S> request, long now) {
        request.settled = true;
        if (!request.outbound) {
            request.resource.addInFlight(index, -1);
        }
        SenderMapping<S> mapping = request.mapping;
        mapping.remove(request);
        byDeadline.remove(request);
        PENDING.setOpaque(this, pending - 1);
        if (mapping.isIdle()) {
            mapping.idleSince = now;
            idle.addLast(mapping);
        }
    }

    /** Pending requests in this shard; the caller holds the lock. */
    int pending() {
        return pending;
    }

    /** Pending requests in this shard as another thread last wrote them, without its lock. */
    int pendingUnlocked() {
        return (int) PENDING.getOpaque(this);
    }
}
