package io.clientproxy.core;

import java.util.HashMap;

/**
 * One sender's JAT entry: the sender's full JID, its encoded address, and the requests it has
 * pending (by id, so that equal ids from different senders never meet). Guarded by its shard's lock.
 *
 * <p>Most senders have at most one request pending at a time, so the first one sits in a field and
 * a map is made only for a second; it goes again when they are all settled. A million idle senders
 * then cost no empty maps.
 */
final class SenderMapping<S> extends IntrusiveList.Node {
    final Jid sender;
    /** {@code <component>/<token>}: the address the target sees and answers; the token is its resource. */
    final Jid encoded;
    /** The token's slot in its shard's {@link TokenSlots} (opaque tokens), else -1. */
    final int slot;
    /** The only pending request while there is at most one and {@link #many} is null. */
    private PendingRequest<S> single;
    /** All pending requests, by id, once a second one came (until none is left). */
    private HashMap<String, PendingRequest<S>> many;
    private int pendingCount;
    /** Requests the target sent to this sender, by their id. */
    private HashMap<String, PendingRequest<S>> outbound;
    /** The component address this sender last wrote to: requests from the target come from there. */
    Jid lastAddressUsed;
    /** The target's resource that last sent this sender a message: where bounces of it go. */
    Jid lastMessageFrom;
    /** When the last pending request settled; meaningful only while idle. */
    long idleSince;
    /** Null when rate limiting is off. */
    RateLimit rate;
    /** Numbers this sender's forwards toward the target (see {@link PendingRequest#forwardId()}). */
    private long forwards;

    SenderMapping(Jid sender, Jid encoded, int slot) {
        this.sender = sender;
        this.encoded = encoded;
        this.slot = slot;
    }

    /**
     * The pending request whose sender's id is {@code text} from {@code start} on (the tail of a
     * forward id), without cutting it out in the usual case of a single pending request.
     */
    PendingRequest<S> pending(String text, int start) {
        if (many != null) {
            return many.get(text.substring(start));
        }
        PendingRequest<S> s = single;
        return s != null && s.id.length() == text.length() - start && text.startsWith(s.id, start) ? s : null;
    }

    PendingRequest<S> pending(String id) {
        if (many != null) {
            return many.get(id);
        }
        return single != null && single.id.equals(id) ? single : null;
    }

    /** The number of a new forward: distinct from every other of this mapping while any can be pending. */
    long nextForward() {
        return ++forwards;
    }

    PendingRequest<S> outbound(String id) {
        return outbound == null ? null : outbound.get(id);
    }

    void add(PendingRequest<S> request) {
        if (request.outbound) {
            if (outbound == null) {
                outbound = new HashMap<>(4);
            }
            outbound.put(request.id, request);
            return;
        }
        if (pendingCount == 0 && many == null) {
            single = request;
        } else {
            if (many == null) {
                many = new HashMap<>(4);
                many.put(single.id, single);
                single = null;
            }
            many.put(request.id, request);
        }
        pendingCount++;
    }

    void remove(PendingRequest<S> request) {
        if (request.outbound) {
            outbound.remove(request.id);
            if (outbound.isEmpty()) {
                outbound = null;
            }
            return;
        }
        if (many != null) {
            many.remove(request.id);
            if (many.isEmpty()) {
                many = null;
            }
        } else {
            single = null;
        }
        pendingCount--;
    }

    /** Requests from this sender still waiting for the target. */
    int pendingCount() {
        return pendingCount;
    }

    /** No request in either direction: the mapping may expire. */
    boolean isIdle() {
        return pendingCount == 0 && outbound == null;
    }
}
