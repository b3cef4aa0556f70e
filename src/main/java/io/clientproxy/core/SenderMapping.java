package io.clientproxy.core;

import java.util.HashMap;

/**
 * One sender's JAT entry: the sender's full JID, its token, and the requests it has pending
 * (by id, so that equal ids from different senders never meet). Guarded by its shard's lock.
 */
final class SenderMapping<S> extends IntrusiveList.Node {
    final Jid sender;
    final String token;
    /** {@code <component>/<token>}: the address the target sees and answers. */
    final Jid encoded;
    private HashMap<String, PendingRequest<S>> pending;
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

    SenderMapping(Jid sender, String token, Jid encoded) {
        this.sender = sender;
        this.token = token;
        this.encoded = encoded;
    }

    PendingRequest<S> pending(String id) {
        return pending == null ? null : pending.get(id);
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
        } else {
            if (pending == null) {
                pending = new HashMap<>(4);
            }
            pending.put(request.id, request);
        }
    }

    void remove(PendingRequest<S> request) {
        (request.outbound ? outbound : pending).remove(request.id);
    }

    /** Requests from this sender still waiting for the target. */
    int pendingCount() {
        return pending == null ? 0 : pending.size();
    }

    /** No request in either direction: the mapping may expire. */
    boolean isIdle() {
        return pendingCount() == 0 && (outbound == null || outbound.isEmpty());
    }
}
