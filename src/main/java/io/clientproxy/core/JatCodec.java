package io.clientproxy.core;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Turns a sender into the resource of the address the target sees ({@code <component>/<token>})
 * and tells which shard of the routing state owns a token, so that a reply finds its request
 * under one lock without a global map.
 */
public abstract sealed class JatCodec permits JatCodec.Opaque, JatCodec.Transparent {
    final int shardMask;
    private final int shardShift;

    JatCodec(int shards) {
        if (shards < 1 || shards > 64 || Integer.bitCount(shards) != 1) {
            throw new IllegalArgumentException("shards must be a power of two from 1 to 64: " + shards);
        }
        this.shardMask = shards - 1;
        this.shardShift = 32 - Integer.numberOfTrailingZeros(shards);
    }

    public static JatCodec of(JatMode mode, int shards) {
        return mode == JatMode.OPAQUE ? new Opaque(shards, new SecureRandom()) : new Transparent(shards);
    }

    /** The shard that owns a sender's mapping. */
    final int shardOf(Jid sender) {
        return shardOfHash(sender.hashCode());
    }

    /** A new token for a sender whose mapping lives in {@code shard}, at {@code slot} if the codec {@link #usesSlots()}. */
    abstract String newToken(Jid sender, int shard, int slot);

    /** Whether tokens name a slot of their shard (else the shard finds a token's mapping by the token). */
    abstract boolean usesSlots();

    /** The shard that a token belongs to, or -1 when no token of this codec looks like that. */
    abstract int shardOf(String token);

    /** The slot a token names, -1 if none; only for a token whose {@link #shardOf(String)} is not -1. */
    abstract int slotOf(String token);

    /** The tag (0-15) of the cluster node that issued a token, -1 when its tokens carry none. */
    abstract int nodeTagOf(String token);

    /** The tag of this cluster node (see {@link ClusterPeers}) that new tokens carry; 0 alone. */
    volatile int nodeTag;

    /**
     * The shard for a hash code, from the TOP bits of a multiplicative hash. Inside a shard the
     * mappings sit in HashMaps, which index by the LOW bits of {@code h ^ (h >>> 16)}: a shard
     * taken from those low bits would crowd each shard's keys into 1/shards of its buckets.
     */
    final int shardOfHash(int h) {
        return shardMask == 0 ? 0 : ((h ^ (h >>> 16)) * 0x9E3779B9) >>> shardShift;
    }

    /**
     * One character that names the shard, four that name the mapping's slot in it, then 128 bits
     * from a {@link SecureRandom} in base64url: nobody can guess another sender's token, a token
     * says nothing about the sender, and a reply finds its mapping by index, with no map keyed by
     * token. A slot is reused after its mapping is forgotten, with new random bits: a stale token
     * names the slot but no longer matches it. 128 bits take 22 base64 digits, the last of which
     * carries 2 bits: its low 4 bits name the cluster node that issued the token (0 alone), so
     * that another node can hand an answer to it (the token's length does not change).
     */
    static final class Opaque extends JatCodec {
        static final char[] DIGITS =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
        static final int RANDOM_BYTES = 16;
        static final int SLOT_DIGITS = 4;
        /** Slots per shard: what four base64 digits can name. */
        static final int MAX_SLOTS = 1 << (6 * SLOT_DIGITS);
        static final int LENGTH = 1 + SLOT_DIGITS + 22;

        private final SecureRandom random;
        private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

        Opaque(int shards, SecureRandom random) {
            super(shards);
            this.random = random;
        }

        @Override
        String newToken(Jid sender, int shard, int slot) {
            byte[] bytes = new byte[RANDOM_BYTES];
            random.nextBytes(bytes);
            StringBuilder token = new StringBuilder(LENGTH).append(DIGITS[shard]);
            for (int shift = 6 * (SLOT_DIGITS - 1); shift >= 0; shift -= 6) {
                token.append(DIGITS[(slot >>> shift) & 63]);
            }
            token.append(encoder.encodeToString(bytes));
            int last = token.length() - 1;
            token.setCharAt(last, DIGITS[digit(token.charAt(last)) | (nodeTag & 0x0F)]);
            return token.toString();
        }

        @Override
        int nodeTagOf(String token) {
            int d = token.length() == LENGTH ? digit(token.charAt(LENGTH - 1)) : -1;
            return d < 0 ? -1 : d & 0x0F;
        }

        @Override
        boolean usesSlots() {
            return true;
        }

        @Override
        int shardOf(String token) {
            if (token.length() != LENGTH) {
                return -1;
            }
            int index = digit(token.charAt(0));
            return index <= shardMask ? index : -1;
        }

        @Override
        int slotOf(String token) {
            int slot = 0;
            for (int i = 1; i <= SLOT_DIGITS; i++) {
                int d = digit(token.charAt(i));
                if (d < 0) {
                    return -1;
                }
                slot = slot << 6 | d;
            }
            return slot;
        }

        /** The value of a base64url digit, -1 for any other character. */
        static int digit(char c) {
            if (c >= 'A' && c <= 'Z') {
                return c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                return 26 + c - 'a';
            } else if (c >= '0' && c <= '9') {
                return 52 + c - '0';
            } else if (c == '-') {
                return 62;
            } else if (c == '_') {
                return 63;
            }
            return -1;
        }
    }

    /**
     * The sender's full JID itself, as mod_client_proxy does; except for a sender whose full JID
     * would make the encoded address's resourcepart longer than RFC 7622 section 3.4 allows (1,023
     * octets of UTF-8): the server would refuse {@code <component>/<full JID>} with
     * {@code jid-malformed} and the target would never see the request. Such a sender gets an
     * opaque token instead: {@code '@'}, one character naming the shard, 128 random bits in
     * base64url (24 characters). No JID starts with {@code '@'} (its local part would be empty,
     * RFC 7622 section 3.3), so a fallback token is never the spelling of a sender's address, and a
     * bot that parses the resource as a JID finds it is none.
     */
    static final class Transparent extends JatCodec {
        /** RFC 7622 section 3.4: a resourcepart is at most 1,023 octets. */
        static final int MAX_RESOURCE_OCTETS = 1023;
        /** The first character of a fallback token: never the first of a JID. */
        static final char FALLBACK_MARK = '@';
        static final int FALLBACK_LENGTH = 2 + 22;

        private final SecureRandom random;
        private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

        Transparent(int shards) {
            this(shards, new SecureRandom());
        }

        Transparent(int shards, SecureRandom random) {
            super(shards);
            this.random = random;
        }

        @Override
        String newToken(Jid sender, int shard, int slot) {
            String full = sender.toString();
            if (!needsFallback(full)) {
                return full;
            }
            byte[] bytes = new byte[Opaque.RANDOM_BYTES];
            random.nextBytes(bytes);
            return new StringBuilder(FALLBACK_LENGTH).append(FALLBACK_MARK).append(Opaque.DIGITS[shard])
                    .append(encoder.encodeToString(bytes)).toString();
        }

        /** Whether a sender's full JID is too long to be a resourcepart (more than 1,023 octets of UTF-8). */
        static boolean needsFallback(String full) {
            // Most addresses are far below the bound even at 4 octets a character: skip the count.
            return full.length() * 3 > MAX_RESOURCE_OCTETS && utf8Length(full) > MAX_RESOURCE_OCTETS;
        }

        /**
         * The length of {@code s} in octets of UTF-8 (RFC 3629), the unit of RFC 7622's limits. An
         * unpaired surrogate, which no server hands over, counts as the one octet of the '?' that
         * Java's encoder writes for it.
         */
        static int utf8Length(String s) {
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    n += 1;
                } else if (c < 0x800) {
                    n += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 4;
                    i++;
                } else if (Character.isSurrogate(c)) {
                    n += 1;
                } else {
                    n += 3;
                }
            }
            return n;
        }

        /** Whether a token is an opaque fallback token rather than a sender's full JID. */
        static boolean isFallback(String token) {
            return !token.isEmpty() && token.charAt(0) == FALLBACK_MARK;
        }

        @Override
        boolean usesSlots() {
            return false;
        }

        @Override
        int slotOf(String token) {
            return -1;
        }

        @Override
        int nodeTagOf(String token) {
            return -1;
        }

        @Override
        int shardOf(String token) {
            if (isFallback(token)) {
                if (token.length() != FALLBACK_LENGTH) {
                    return -1;
                }
                int index = Opaque.digit(token.charAt(1));
                return index >= 0 && index <= shardMask ? index : -1;
            }
            // The token spells the sender's address: hash it as Jid does, so this agrees with shardOf(Jid).
            return shardOfHash(Jid.hashOf(token));
        }
    }
}
