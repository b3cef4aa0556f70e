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

    /** A new token for a sender whose mapping lives in {@code shard}. */
    abstract String newToken(Jid sender, int shard);

    /** The shard that a token belongs to, or -1 when no token of this codec looks like that. */
    abstract int shardOf(String token);

    /**
     * The shard for a hash code, from the TOP bits of a multiplicative hash. Inside a shard the
     * mappings sit in HashMaps, which index by the LOW bits of {@code h ^ (h >>> 16)}: a shard
     * taken from those low bits would crowd each shard's keys into 1/shards of its buckets.
     */
    final int shardOfHash(int h) {
        return shardMask == 0 ? 0 : ((h ^ (h >>> 16)) * 0x9E3779B9) >>> shardShift;
    }

    /**
     * 128 bits from a {@link SecureRandom}, base64url, behind one character that names the shard:
     * nobody can guess another sender's token, and a token says nothing about the sender.
     */
    static final class Opaque extends JatCodec {
        private static final char[] SHARD_CHARS =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
        static final int RANDOM_BYTES = 16;
        static final int LENGTH = 1 + 22;

        private final SecureRandom random;
        private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

        Opaque(int shards, SecureRandom random) {
            super(shards);
            this.random = random;
        }

        @Override
        String newToken(Jid sender, int shard) {
            byte[] bytes = new byte[RANDOM_BYTES];
            random.nextBytes(bytes);
            return SHARD_CHARS[shard] + encoder.encodeToString(bytes);
        }

        @Override
        int shardOf(String token) {
            if (token.length() != LENGTH) {
                return -1;
            }
            char c = token.charAt(0);
            int index;
            if (c >= 'A' && c <= 'Z') {
                index = c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                index = 26 + c - 'a';
            } else if (c >= '0' && c <= '9') {
                index = 52 + c - '0';
            } else if (c == '-') {
                index = 62;
            } else if (c == '_') {
                index = 63;
            } else {
                return -1;
            }
            return index <= shardMask ? index : -1;
        }
    }

    /** The sender's full JID itself, as mod_client_proxy does. */
    static final class Transparent extends JatCodec {
        Transparent(int shards) {
            super(shards);
        }

        @Override
        String newToken(Jid sender, int shard) {
            return sender.toString();
        }

        @Override
        int shardOf(String token) {
            // Jid's hash is its full string's hash, so this agrees with shardOf(Jid).
            return shardOfHash(token.hashCode());
        }
    }
}
