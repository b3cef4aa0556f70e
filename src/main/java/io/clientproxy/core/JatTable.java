package io.clientproxy.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JAT table: who each encoded address ({@code <component>/<token>}) stands for, split into
 * {@link JatShard shards}, each under its own lock, with a sender and its token always in the same
 * shard; so stanzas from different senders and their replies rarely contend. A mapping is made
 * when a sender first writes, kept while it has requests pending either way, and forgotten after
 * {@code jat-idle-timeout} without any, or earlier when {@code max-mappings} needs room. The
 * requests pending in the same shards are {@link PendingTable}'s.
 */
final class JatTable<S> {
    private static final Logger log = Logger.getLogger(JatTable.class.getName());

    static final StanzaError TOO_MANY_SENDERS = StanzaError.of(Condition.RESOURCE_CONSTRAINT,
            "this service is serving too many senders; try again later");
    static final StanzaError UNKNOWN_SENDER = StanzaError.of(Condition.ITEM_NOT_FOUND,
            "no sender is mapped to this address");

    private final JatShard<S>[] shards;
    private final JatCodec codec;
    private final Jid component;
    private final ProxySettings settings;
    private final ProxyCounters counters;
    private final long idleMillis;
    private final AtomicInteger mappingsTotal = new AtomicInteger();
    /** Whether an opaque fallback token (transparent mode) has been logged at INFO yet. */
    private final AtomicBoolean fallbackReported = new AtomicBoolean();

    @SuppressWarnings("unchecked")
    JatTable(ProxySettings settings, Jid component, int shardCount, ProxyCounters counters) {
        this.settings = settings;
        this.component = component;
        this.counters = counters;
        this.codec = JatCodec.of(settings.jatMode(), shardCount);
        // No generic array creation in Java: an array of JatShard<?> cast once, here.
        this.shards = (JatShard<S>[]) new JatShard<?>[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new JatShard<>(i, codec.usesSlots());
        }
        this.idleMillis = settings.jatIdleTimeout().toMillis();
    }

    /** Every shard, in index order (the array itself: not to be written). */
    JatShard<S>[] shards() {
        return shards;
    }

    /** The shard that owns a sender's mapping. */
    JatShard<S> shardOf(Jid sender) {
        return shards[codec.shardOf(sender)];
    }

    /** The shard a token belongs to, or null when it cannot be one of this table's. */
    JatShard<S> shardOfTokenOrNull(String token) {
        int index = codec.shardOf(token);
        return index < 0 ? null : shards[index];
    }

    /** The mapping a token stands for, or null. Caller holds the shard lock. */
    SenderMapping<S> byToken(JatShard<S> shard, String token) {
        return shard.byToken(token, codec);
    }

    /**
     * The sender's mapping, made (idle, with a new token) if there is none; null when max-mappings
     * is reached and no idle mapping of the shard can make room. Caller holds the shard lock.
     */
    SenderMapping<S> mappingFor(JatShard<S> shard, Jid sender, long now) {
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
        shard.put(mapping, token, now);
        mappingsTotal.incrementAndGet();
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

    private boolean evictOldestIdle(JatShard<S> shard) {
        SenderMapping<S> oldest = shard.idle.first();
        if (oldest == null) {
            return false;
        }
        forget(shard, oldest);
        return true;
    }

    /** Forgets the shard's mappings idle for {@code jat-idle-timeout} at {@code now}. Caller holds the shard lock. */
    void forgetIdle(JatShard<S> shard, long now) {
        SenderMapping<S> idle;
        while ((idle = shard.idle.first()) != null && idle.idleSince + idleMillis <= now) {
            forget(shard, idle);
        }
    }

    private void forget(JatShard<S> shard, SenderMapping<S> mapping) {
        shard.forget(mapping);
        mappingsTotal.decrementAndGet();
        counters.count(Counter.MAPPINGS_EXPIRED);
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
        JatShard<S> shard = shardOf(sender);
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
        JatShard<S> shard = shardOfTokenOrNull(token);
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
        JatShard<S> shard = shardOf(sender);
        synchronized (shard) {
            SenderMapping<S> mapping = shard.bySender.get(sender);
            if (mapping == null || mapping.lastMessageFrom == null) {
                return null;
            }
            return new Route(mapping.encoded, mapping.lastMessageFrom);
        }
    }

    /** The sender an encoded resource stands for, if mapped (for adapters' diagnostics and later features). */
    Jid senderOf(String token) {
        JatShard<S> shard = shardOfTokenOrNull(token);
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

    /**
     * The shard a stanza from {@code from} to {@code to} will lock (see {@link ProxyCore#affinity}):
     * {@code target}'s to an encoded address, the shard of the sender its token stands for (0 when
     * it can stand for none); anyone else's, the shard of their own mapping.
     */
    int shardFor(Jid from, Jid to, Jid target) {
        if (from == null) {
            return 0;
        }
        if (to != null && !to.isBare() && from.hasBare(target.bare())) {
            return Math.max(0, codec.shardOf(to.resource()));
        }
        return codec.shardOf(from);
    }

    int mappingCount() {
        return mappingsTotal.get();
    }
}
