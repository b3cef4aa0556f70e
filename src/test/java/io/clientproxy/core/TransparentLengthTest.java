package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Transparent mode and RFC 7622 section 3.4: the encoded address {@code <component>/<full JID>}
 * has the sender's full JID as its resourcepart, which may be at most 1,023 octets of UTF-8. A
 * sender whose full JID is longer gets an opaque token instead.
 */
class TransparentLengthTest {
    private static final String BARE = "alice@example.com";

    /** A full JID of {@code alice@example.com/<resource>} that is exactly {@code octets} long in UTF-8, made of 'é' (2 octets) and one 'x' if odd. */
    static Jid senderOfOctets(int octets) {
        int resourceOctets = octets - BARE.length() - 1;
        String resource = "é".repeat(resourceOctets / 2) + (resourceOctets % 2 == 1 ? "x" : "");
        Jid jid = Jid.of(BARE, resource);
        assertEquals(octets, jid.toString().getBytes(StandardCharsets.UTF_8).length);
        return jid;
    }

    private static CoreFixture transparent() {
        return new CoreFixture(b -> b.jatMode(JatMode.TRANSPARENT)).online("a");
    }

    @Test
    void aFullJidOf1023OctetsIsTheTokenItself() {
        CoreFixture f = transparent();
        Jid sender = senderOfOctets(1023);
        assertTrue(sender.toString().length() < 600, "multi-byte characters: the limit is octets, not characters");
        Sent fwd = f.get("q", sender, "1");
        assertEquals(COMPONENT.withResource(sender.toString()), fwd.from());
        f.answer("r", fwd);
        assertEquals(sender, f.out.one().to());
        assertEquals(0, f.core.counters().get(Counter.OPAQUE_FALLBACKS));
    }

    @Test
    void aFullJidOf1024OctetsGetsAnOpaqueTokenThatMapsBack() {
        CoreFixture f = transparent();
        Jid sender = senderOfOctets(1024);
        Sent fwd = f.get("q", sender, "1");
        String token = fwd.from().resource();
        assertEquals(COMPONENT.asBare(), fwd.from().asBare());
        assertTrue(token.matches("@[A-Za-z0-9_-]{23}"), token);
        assertTrue(token.getBytes(StandardCharsets.UTF_8).length <= 1023);
        assertThrows(IllegalArgumentException.class, () -> Jid.parse(token), "a fallback token is no JID");
        assertEquals(1, f.core.counters().get(Counter.OPAQUE_FALLBACKS));
        assertEquals(sender, f.core.senderOf(token));

        // The same sender keeps its token; the reply to it reaches the sender.
        f.answer("r", fwd);
        Sent back = f.out.one();
        assertEquals(Kind.FORWARD, back.kind());
        assertEquals(sender, back.to());
        assertEquals(COMPONENT, back.from());
        assertEquals(token, f.get("q2", sender, "2").from().resource());
        assertEquals(1, f.core.counters().get(Counter.OPAQUE_FALLBACKS), "counted once per mapping");
    }

    @Test
    void bothFormsLiveSideBySideAndExpire() {
        CoreFixture f = transparent();
        Jid longSender = senderOfOctets(2000);
        Jid shortSender = CoreFixture.ALICE;
        Sent longFwd = f.get("q", longSender, "1");
        Sent shortFwd = f.get("q", shortSender, "1");
        assertEquals(shortSender.toString(), shortFwd.from().resource());
        assertNotEquals(longSender.toString(), longFwd.from().resource());
        // A reply to the short sender's token does not reach the long one, and the reverse.
        f.answer("r-short", shortFwd);
        assertEquals(shortSender, f.out.one().to());
        f.answer("r-long", longFwd);
        assertEquals(longSender, f.out.one().to());
        f.answer("again", longFwd);
        assertEquals(0, f.out.take().size(), "answered once");
        assertEquals(1, f.core.counters().get(DropReason.NOT_PENDING));

        // Idle mappings expire; the fallback token then maps nobody and a new one is issued.
        f.advance(ProxySettings.DEFAULT_JAT_IDLE_TIMEOUT.plus(Duration.ofSeconds(1)));
        f.core.tick();
        assertEquals(0, f.core.mappingCount());
        assertNull(f.core.senderOf(longFwd.from().resource()));
        f.core.onIq("late", new Iq(res("a"), longFwd.from(), "1", "result", 0));
        assertEquals(1, f.core.counters().get(DropReason.UNKNOWN_TOKEN));
        Sent again = f.get("q", longSender, "3");
        assertNotEquals(longFwd.from().resource(), again.from().resource());
        assertEquals(2, f.core.counters().get(Counter.OPAQUE_FALLBACKS));
    }

    @Test
    void codecCountsOctetsAndShardsFallbackTokens() {
        JatCodec codec = JatCodec.of(JatMode.TRANSPARENT, 16);
        for (int octets : new int[] {1023, 1024}) {
            Jid sender = senderOfOctets(octets);
            int shard = codec.shardOf(sender);
            String token = codec.newToken(sender, shard, -1);
            assertEquals(octets > 1023, JatCodec.Transparent.isFallback(token));
            assertEquals(shard, codec.shardOf(token), "the token names its sender's shard");
        }
        assertEquals(1023, JatCodec.Transparent.utf8Length("\uD83D\uDE00".repeat(255) + "abc"));
        assertEquals(-1, codec.shardOf("@short"));
        assertEquals(-1, codec.shardOf("@Z" + "A".repeat(22)), "shard 25 of 16");
        assertEquals(-1, codec.shardOf("@." + "A".repeat(22)));
    }
}
