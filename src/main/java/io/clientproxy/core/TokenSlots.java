package io.clientproxy.core;

import java.util.Arrays;

/**
 * A shard's mappings by the slot their opaque token names: an array instead of a map keyed by
 * token, so a reply finds its mapping with one index and the table keeps no token string and no
 * map entry per sender. Freed slots are reused, most recently freed first. Guarded by the shard lock.
 */
final class TokenSlots<S> {
    private final int maxSlots;
    private SenderMapping<S>[] mappings;
    private int[] free = new int[16];
    private int freeCount;
    /** Slots below this have been handed out at least once. */
    private int used;

    @SuppressWarnings("unchecked")
    TokenSlots(int maxSlots) {
        this.maxSlots = maxSlots;
        // No generic array creation in Java: an array of SenderMapping<?> cast once, here.
        this.mappings = (SenderMapping<S>[]) new SenderMapping<?>[16];
    }

    /** A slot for a new mapping, or -1 when all {@code maxSlots} are taken. */
    int reserve() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (used == maxSlots) {
            return -1;
        }
        if (used == mappings.length) {
            mappings = Arrays.copyOf(mappings, Math.min(maxSlots, mappings.length * 2));
        }
        return used++;
    }

    /** Puts a mapping in the slot {@link #reserve()} gave it. */
    void put(int slot, SenderMapping<S> mapping) {
        mappings[slot] = mapping;
    }

    /** The mapping in a slot, or null. */
    SenderMapping<S> get(int slot) {
        return slot >= 0 && slot < used ? mappings[slot] : null;
    }

    /** Empties a slot and makes it available again. */
    void release(int slot) {
        mappings[slot] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }
}
