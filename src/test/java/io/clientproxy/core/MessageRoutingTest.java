package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The messages option: both ways, sticky per sender, errors translated. */
class MessageRoutingTest {
    private static final Jid USED = Jid.parse("chat@proxy.example.com");

    private static CoreFixture on() {
        return new CoreFixture(b -> b.messages(true).jatIdleTimeout(Duration.ofMinutes(1))).online("a", "b", "c");
    }

    @Test
    void aSendersMessagesStayWithOneResourceAndTheTargetCanAnswer() {
        CoreFixture f = on();
        f.core.onMessage("m1", ALICE, USED, "chat");
        Sent first = f.out.one();
        assertEquals(Kind.FORWARD, first.kind());
        assertEquals(RecordingOutbox.ONE_RESOURCE, first.presenceType(), "with the hints that stop carbon copies");
        assertEquals(COMPONENT.bare(), first.from().bare());
        for (int i = 0; i < 10; i++) {
            f.core.onMessage("m", ALICE, USED, "chat");
            Sent next = f.out.one();
            assertEquals(first.to(), next.to(), "sticky per sender");
            assertEquals(first.from(), next.from());
        }
        Set<Jid> spread = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            f.core.onMessage("m", Jid.parse("user" + i + "@example.com/r"), USED, "chat");
            spread.add(f.out.one().to());
        }
        assertEquals(3, spread.size(), "different senders spread over the resources");

        f.core.onMessage("reply", first.to(), first.from(), "chat");
        Sent reply = f.out.one();
        assertEquals("reply", reply.stanza());
        assertEquals(USED, reply.from(), "from the address alice used");
        assertEquals(ALICE, reply.to());
        assertEquals(null, reply.presenceType(), "a message to a sender is forwarded as it is");
    }

    @Test
    void errorMessagesAreTranslatedBothWays() {
        CoreFixture f = on();
        f.core.onMessage("m1", ALICE, USED, "chat");
        Sent in = f.out.one();
        f.core.onMessage("to-alice", res("b"), in.from(), "chat");
        f.out.one();
        // Alice's server bounces the target's message: back to the resource that sent it.
        f.core.onMessage("bounce", ALICE, USED, "error");
        Sent bounce = f.out.one();
        assertEquals(in.from(), bounce.from());
        assertEquals(res("b"), bounce.to());
        // The target's client bounces alice's message: back to alice.
        f.core.onMessage("target-error", in.to(), in.from(), "error");
        Sent err = f.out.one();
        assertEquals(ALICE, err.to());
        assertEquals(USED, err.from());
        f.core.onMessage("stray", BOB, USED, "error");
        assertTrue(f.out.take().isEmpty(), "an error for nothing we sent is dropped");
    }

    @Test
    void messagesToUnknownEncodingsAndWithNoResourceGetErrors() {
        CoreFixture f = on();
        f.core.onMessage("m", res("a"), COMPONENT.withResource("AAAAAAAAAAAAAAAAAAAAAAA"), "chat");
        Sent err = f.out.one();
        assertEquals(Condition.ITEM_NOT_FOUND, err.error().condition());
        assertEquals(res("a"), err.to());
        for (String r : new String[] {"a", "b", "c"}) {
            f.offline(r);
        }
        f.core.onMessage("m", ALICE, USED, "chat");
        assertEquals(Condition.SERVICE_UNAVAILABLE, f.out.one().error().condition());
    }

    @Test
    void conversationsKeepTheMappingAliveAndDisabledMeansFeatureNotImplemented() {
        CoreFixture f = on();
        f.core.onMessage("m", ALICE, USED, "chat");
        Jid encoded = f.out.one().from();
        f.advance(Duration.ofSeconds(50));
        f.core.onMessage("m", ALICE, USED, "chat");
        f.out.take();
        f.advance(Duration.ofSeconds(50));
        f.core.tick();
        f.core.onMessage("reply", res("a"), encoded, "chat");
        assertEquals(ALICE, f.out.one().to(), "idle counts from the last message");
        f.advance(Duration.ofSeconds(61));
        f.core.tick();
        f.core.onMessage("reply", res("a"), encoded, "chat");
        assertEquals(Condition.ITEM_NOT_FOUND, f.out.one().error().condition());

        CoreFixture off = new CoreFixture().online("a");
        off.core.onMessage("m", ALICE, USED, "chat");
        assertEquals(Condition.FEATURE_NOT_IMPLEMENTED, off.out.one().error().condition());
        assertNotEquals(null, encoded);
    }
}
