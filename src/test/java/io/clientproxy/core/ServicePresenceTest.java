package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's own presence toward users who subscribe to the component (RFC 6121 3, 4). */
class ServicePresenceTest {
    private static final Jid SVC = Jid.parse("svc@proxy.example.com");

    private static void assertPresence(Sent sent, Jid from, Jid to, String type) {
        assertEquals(Kind.PRESENCE, sent.kind(), sent.toString());
        assertEquals(from, sent.from(), sent.toString());
        assertEquals(to, sent.to(), sent.toString());
        assertEquals(type, sent.presenceType(), sent.toString());
    }

    @Test
    void aSubscriberIsApprovedAndSeesTheServiceComeAndGo() {
        CoreFixture f = new CoreFixture();
        f.core.onPresence("p", ALICE, COMPONENT, "subscribe", 0);
        List<Sent> answer = f.out.take();
        assertEquals(2, answer.size(), answer.toString());
        assertPresence(answer.get(0), COMPONENT, ALICE.asBare(), "subscribed");
        assertPresence(answer.get(1), COMPONENT, ALICE.asBare(), "unavailable");

        f.online("a");
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), null);
        f.online("b");
        assertTrue(f.out.take().isEmpty(), "a second resource changes nothing the subscriber sees");
        f.offline("a");
        assertTrue(f.out.take().isEmpty(), "one resource still serves");
        f.offline("b");
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), "unavailable");
        assertEquals(1, f.core.serviceSubscriberCount());
    }

    @Test
    void theAnswerComesFromTheAddressSubscribedTo() {
        CoreFixture f = new CoreFixture().online("a");
        f.out.take();
        f.core.onPresence("p", BOB, SVC.withResource("x"), "subscribe", 0);
        List<Sent> answer = f.out.take();
        assertPresence(answer.get(0), SVC, BOB.asBare(), "subscribed");
        assertPresence(answer.get(1), SVC, BOB.asBare(), null);
        f.offline("a");
        assertPresence(f.out.one(), SVC, BOB.asBare(), "unavailable");
    }

    @Test
    void aProbeIsAnsweredWithTheCurrentPresenceAndMakesASubscriberKnown() {
        // After a restart the component knows nobody; the user's server probes at the user's login.
        CoreFixture f = new CoreFixture();
        f.core.onPresence("p", ALICE.asBare(), COMPONENT, "probe", 0);
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), "unavailable");
        f.online("a");
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), null);
        f.core.onPresence("p", ALICE.asBare(), COMPONENT, "probe", 0);
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), null);
    }

    @Test
    void sendersTheServiceRefusesAreDeniedAndTheirProbesDropped() {
        CoreFixture f = new CoreFixture(b -> b.allowedSenders(SenderFilter.parse(List.of("example.com"))));
        f.core.onPresence("p", BOB, COMPONENT, "subscribe", 0);
        assertPresence(f.out.one(), COMPONENT, BOB.asBare(), "unsubscribed");
        f.core.onPresence("p", BOB, COMPONENT, "probe", 0);
        assertTrue(f.out.take().isEmpty());
        f.online("a");
        assertTrue(f.out.take().isEmpty(), "a refused sender hears nothing");
        assertEquals(0, f.core.serviceSubscriberCount());
        assertEquals(1, f.core.counters().get(DropReason.PRESENCE_IGNORED));
    }

    @Test
    void unsubscribeIsAnsweredUnavailableAndEndsTheUpdates() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onPresence("p", ALICE, COMPONENT, "subscribe", 0);
        f.out.take();
        f.core.onPresence("p", ALICE, COMPONENT, "unsubscribe", 0);
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), "unavailable");
        f.offline("a");
        f.online("a");
        assertTrue(f.out.take().isEmpty());
    }

    @Test
    void otherPresenceFromUsersIsDroppedAndCounted() {
        CoreFixture f = new CoreFixture();
        f.core.onPresence("p", ALICE, COMPONENT, null, 0);
        f.core.onPresence("p", ALICE, COMPONENT, "unavailable", 0);
        f.core.onPresence("p", ALICE, COMPONENT, "unsubscribed", 0);
        f.core.onPresence("p", ALICE, COMPONENT, "error", 0);
        assertTrue(f.out.take().isEmpty());
        assertEquals(0, f.core.resources().size(), "a user is not a resource of the target");
        assertEquals(3, f.core.counters().get(DropReason.PRESENCE_IGNORED));
        assertEquals(1, f.core.counters().get(DropReason.ERROR_STANZA));
    }

    @Test
    void subscribersSeeTheServiceGoWhenTheProxyStops() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onPresence("p", ALICE, COMPONENT, "subscribe", 0);
        f.core.onPresence("p", BOB, COMPONENT, "subscribe", 0);
        f.out.take();
        f.core.tick();
        f.out.take();
        f.core.shutdown();
        List<Sent> bye = f.out.take(s -> s.kind() == Kind.PRESENCE);
        assertEquals(2, bye.size(), bye.toString());
        for (Sent s : bye) {
            assertEquals("unavailable", s.presenceType());
        }
    }

    @Test
    void subscribersAreBounded() {
        CoreFixture f = new CoreFixture();
        for (int i = 0; i <= ServicePresence.MAX_SUBSCRIBERS; i++) {
            f.core.onPresence("p", Jid.parse("u" + i + "@example.com/r"), COMPONENT, "subscribe", 0);
        }
        f.out.take();
        assertEquals(ServicePresence.MAX_SUBSCRIBERS, f.core.serviceSubscriberCount());
        f.online("a");
        List<Sent> told = f.out.take();
        assertEquals(ServicePresence.MAX_SUBSCRIBERS, told.size());
        assertTrue(told.stream().noneMatch(s -> s.to().equals(Jid.parse("u0@example.com"))), "the eldest was forgotten");
        assertNull(told.get(0).presenceType());
    }

    @Test
    void aUserSubscribedToTwoAddressesHearsFromBoth() {
        CoreFixture f = new CoreFixture().online("a");
        f.core.onPresence("p", ALICE, COMPONENT, "subscribe", 0);
        f.core.onPresence("p", ALICE, SVC, "subscribe", 0);
        f.out.take();
        f.offline("a");
        List<Sent> told = f.out.take();
        assertEquals(2, told.size(), told.toString());
        assertTrue(told.stream().allMatch(s -> "unavailable".equals(s.presenceType()) && s.to().equals(ALICE.asBare())));
        assertEquals(java.util.Set.of(COMPONENT, SVC), told.stream().map(Sent::from).collect(java.util.stream.Collectors.toSet()));
        f.core.onPresence("p", ALICE, SVC, "unsubscribe", 0);
        f.out.take();
        f.online("a");
        assertPresence(f.out.one(), COMPONENT, ALICE.asBare(), null);
    }
}
