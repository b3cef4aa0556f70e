package io.clientproxy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token shapes and the shard function. */
class JatCodecTest {

    @Test
    void opaqueTokensCarryTheirShardAndSlotAndAreUnguessable() {
        JatCodec codec = JatCodec.of(JatMode.OPAQUE, 16);
        Set<String> seen = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        int[] slots = {0, 1, 63, 64, 4095, 4096, JatCodec.Opaque.MAX_SLOTS - 1};
        for (int i = 0; i < 1000; i++) {
            Jid sender = Jid.parse("u" + i + "@example.com/r");
            int shard = codec.shardOf(sender);
            int slot = slots[i % slots.length];
            String token = codec.newToken(sender, shard, slot);
            assertEquals(27, token.length());
            assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
            assertEquals(shard, codec.shardOf(token));
            assertEquals(slot, codec.slotOf(token));
            assertTrue(seen.add(token));
            assertTrue(secrets.add(token.substring(5)), "the same slot gets new random bits");
        }
        assertEquals(-1, codec.shardOf("not-a-token"));
        assertEquals(-1, codec.shardOf("Z" + "AAAA" + "A".repeat(22)), "shard 25 of 16");
        assertEquals(-1, codec.slotOf("A" + "AA.A" + "A".repeat(22)));
    }

    @Test
    void transparentTokensLandInTheSendersShard() {
        JatCodec codec = JatCodec.of(JatMode.TRANSPARENT, 16);
        for (int i = 0; i < 1000; i++) {
            Jid sender = Jid.parse("u" + i + "@example.com/r" + i);
            assertEquals(codec.shardOf(sender), codec.shardOf(codec.newToken(sender, codec.shardOf(sender), -1)));
        }
    }

    /**
     * Within one shard the senders must still spread over a HashMap's buckets: the shard may not
     * be taken from the bits the HashMap indexes by (that crowded every shard into 1/16 of its
     * buckets, and the maps into tree bins).
     */
    @Test
    void sendersOfOneShardSpreadOverHashMapBuckets() {
        JatCodec codec = JatCodec.of(JatMode.OPAQUE, 16);
        Set<Integer> buckets = new HashSet<>();
        int inShard = 0;
        for (int i = 0; i < 20_000; i++) {
            Jid sender = Jid.parse("u" + i + "@example.com/r");
            if (codec.shardOf(sender) == 3) {
                inShard++;
                int h = sender.hashCode();
                buckets.add((h ^ (h >>> 16)) & 255);
            }
        }
        assertTrue(inShard > 1000, "shard 3 got " + inShard + " of 20000");
        assertTrue(buckets.size() > 240, "a shard's senders use " + buckets.size() + " of 256 buckets");
        assertEquals(0, JatCodec.of(JatMode.OPAQUE, 1).shardOf(Jid.parse("a@b/c")));
    }
}
