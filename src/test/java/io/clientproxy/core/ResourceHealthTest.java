package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resource health on the wire the core asks for, with a fake clock: a resource that holds a
 * request past its suspicion time is pinged (XEP-0199) from the component; no answer within the
 * deadline takes it out of rotation (its gets move at once, its sets stay); an answer keeps it,
 * however slow; presence or a later answer brings it back. And the kinds of request a resource
 * refuses while another serves them.
 */
class ResourceHealthTest {
    static final String NS = "urn:example:echo";

    /** Round-robin (a, b, a, b...) so that each test knows where a request goes. */
    private static CoreFixture twoResources() {
        return new CoreFixture(b -> b.requestTimeout(Duration.ofSeconds(30)), Balancer.Policy.ROUND_ROBIN.create(),
                ProxyCore.DEFAULT_SHARDS).online("a", "b");
    }

    private static Sent request(CoreFixture f, String label, Jid from, String id, String type) {
        // The stanza's payload, as the adapter would read it (the kind of request is its namespace).
        f.out.withChild(label, Payload.of("echo", NS));
        f.core.onIq(label, new Iq(from, COMPONENT, id, type, 1, NS, null));
        return f.out.one();
    }

    private static Liveness.State state(CoreFixture f, String resource) {
        return resource(f, resource).liveness().state();
    }

    private static TargetResource resource(CoreFixture f, String name) {
        for (TargetResource r : f.core.resources().snapshot()) {
            if (r.jid().equals(res(name))) {
                return r;
            }
        }
        throw new AssertionError("not online: " + name);
    }

    @Test
    void aResourceThatHoldsARequestAndDoesNotAnswerThePingIsOutOfRotationItsGetsMoveItsSetsStay() {
        CoreFixture f = twoResources();
        Sent g1 = request(f, "g1", ALICE, "1", "get");
        Sent g2 = request(f, "g2", ALICE, "2", "get");
        Sent s3 = request(f, "s3", BOB, "3", "set");
        Sent s4 = request(f, "s4", BOB, "4", "set");
        assertEquals(res("a"), g1.to());
        assertEquals(res("b"), g2.to());
        assertEquals(res("b"), s4.to());
        f.answer("r1", g1);
        f.answer("r3", s3);
        f.out.take();

        f.advance(Duration.ofMillis(999));
        f.core.tick();
        assertEquals(List.of(), f.out.pings(), "not before the suspicion time (the floor: 1 s)");
        f.advance(Duration.ofMillis(1));
        f.core.tick();
        List<Sent> pings = f.out.pings();
        assertEquals(1, pings.size(), "one ping: " + pings);
        Sent ping = pings.get(0);
        assertEquals(res("b"), ping.to());
        assertEquals(COMPONENT.bare(), ping.from().bare());
        assertTrue(ping.from().resource().startsWith("@ping."), ping.from().toString());
        assertEquals(Liveness.State.SUSPECTED, state(f, "b"));
        assertEquals(List.of(), f.out.take(), "nothing moves yet");
        // While the ping is out, new requests go to the other resource.
        Sent g5 = request(f, "g5", ALICE, "5", "get");
        Sent g6 = request(f, "g6", ALICE, "6", "get");
        assertEquals(res("a"), g5.to());
        assertEquals(res("a"), g6.to());
        f.answer("r5", g5);
        f.answer("r6", g6);
        f.out.take();

        f.advance(Duration.ofMillis(1000));
        f.core.tick();
        assertEquals(List.of(), f.out.pings(), "one ping out at a time");
        f.advance(Duration.ofMillis(1000));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "b"));
        Sent moved = f.out.one();
        assertEquals(Kind.FORWARD, moved.kind());
        assertEquals("g2", moved.stanza(), "the get moves at once; the set stays");
        assertEquals(res("a"), moved.to());
        f.answer("r2", moved);
        assertEquals(ALICE, f.out.one().to());
        for (int i = 0; i < 6; i++) {
            Sent n = request(f, "n" + i, BOB, "n" + i, i % 2 == 0 ? "get" : "set");
            assertEquals(res("a"), n.to(), "no request goes to a resource out of rotation");
            f.answer("rn" + i, n);
            f.out.take();
        }
        assertEquals(1, f.core.counters().get(Counter.RESOURCES_OUT_OF_ROTATION));

        // The set stays with b until its timeout: never sent twice.
        f.advance(Duration.ofSeconds(28));
        f.core.tick();
        List<Sent> out = f.out.take();
        assertTrue(out.stream().anyMatch(s -> s.stanza().equals("s4") && s.error() != null
                && s.error().condition() == Condition.REMOTE_SERVER_TIMEOUT), out.toString());
        assertTrue(out.stream().noneMatch(s -> s.kind() == Kind.FORWARD && s.stanza().equals("s4")), out.toString());
        TargetResource b = resource(f, "b");
        assertEquals(1, b.stats().timeouts());
        assertEquals(2, b.stats().requests());
        assertEquals(0, b.stats().results());
        assertTrue(f.core.describeResource(b).startsWith("out-of-rotation for 28 s (held a request for 1000 ms"),
                f.core.describeResource(b));
    }

    @Test
    void aResourceOutOfRotationIsPingedAgainWithBackoffAndServesAgainWhenItAnswers() {
        CoreFixture f = twoResources();
        f.answer("r1", request(f, "g1", ALICE, "1", "get"));
        f.out.take();
        Sent held = request(f, "g2", ALICE, "2", "get");
        assertEquals(res("b"), held.to());
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        f.out.pings();
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "b"));
        f.answer("r2", f.out.one());
        f.out.take();
        // Probes after 2 s, then 4 s, then 8 s...
        long[] waits = {2, 4, 8};
        Sent last = null;
        for (long wait : waits) {
            f.advance(Duration.ofMillis(wait * 1000 - 1));
            f.core.tick();
            assertEquals(List.of(), f.out.pings(), "not before " + wait + " s");
            f.advance(Duration.ofMillis(1));
            f.core.tick();
            List<Sent> pings = f.out.pings();
            assertEquals(1, pings.size(), "a probe after " + wait + " s");
            last = pings.get(0);
        }
        f.answer("pong", last);
        assertEquals(Liveness.State.SERVING, state(f, "b"));
        List<Jid> to = List.of(request(f, "x", BOB, "x", "get").to(), request(f, "y", BOB, "y", "get").to());
        assertTrue(to.contains(res("b")), "b gets requests again: " + to);
    }

    @Test
    void availablePresenceBringsAResourceBackAndALateAnswerToAnOldPingDoesToo() {
        CoreFixture f = twoResources();
        f.answer("r1", request(f, "g1", ALICE, "1", "get"));
        f.out.take();
        request(f, "g2", ALICE, "2", "get");
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        Sent ping = f.out.pings().get(0);
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "b"));
        f.answer("r2", f.out.one());
        f.out.take();
        f.online("b");
        assertEquals(Liveness.State.SERVING, state(f, "b"));

        Sent g3 = request(f, "g3", ALICE, "3", "get");
        if (g3.to().equals(res("a"))) {
            f.answer("r3", g3);
            f.out.take();
            assertEquals(res("b"), request(f, "g4", ALICE, "4", "get").to());
        }
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        ping = f.out.pings().get(0);
        assertEquals(res("b"), ping.to());
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "b"));
        f.answer("pong", ping);
        assertEquals(Liveness.State.SERVING, state(f, "b"), "a late answer shows it alive");
    }

    @Test
    void aSlowResourceThatAnswersThePingKeepsItsRequestsAndLosesNone() {
        CoreFixture f = twoResources();
        Sent g1 = request(f, "g1", ALICE, "1", "get");
        Sent slowGet = request(f, "g2", ALICE, "2", "get");
        Sent s3 = request(f, "s3", BOB, "3", "set");
        Sent slowSet = request(f, "s4", BOB, "4", "set");
        f.answer("r1", g1);
        f.answer("r3", s3);
        f.out.take();
        for (int second = 1; second <= 8; second++) {
            f.advance(Duration.ofSeconds(1));
            f.core.tick();
            for (Sent ping : f.out.pings()) {
                assertEquals(res("b"), ping.to());
                f.answer("pong", ping);
            }
            assertEquals(Liveness.State.SERVING, state(f, "b"), "second " + second);
            assertEquals(List.of(), f.out.take(), "nothing moves, nothing is answered: second " + second);
        }
        f.answer("late-get", slowGet);
        f.answer("late-set", slowSet);
        List<Sent> answers = f.out.take();
        assertEquals(List.of("late-get", "late-set"), answers.stream().map(Sent::stanza).toList());
        assertEquals(2, resource(f, "b").stats().results());
        assertEquals(0, f.core.counters().get(Counter.REQUESTS_MOVED));
    }

    @Test
    void aResourceIsPingedAtMostOncePerSuspicionTimeWhileItAnswersThePings() {
        CoreFixture f = twoResources();
        f.answer("r1", request(f, "g1", ALICE, "1", "get"));
        f.out.take();
        request(f, "g2", ALICE, "2", "get");
        int pings = 0;
        for (int tick = 0; tick < 40; tick++) {
            f.advance(Duration.ofMillis(250));
            f.core.tick();
            for (Sent ping : f.out.pings()) {
                pings++;
                f.answer("pong", ping);
            }
        }
        assertEquals(10, pings, "10 s held: a ping every second (the floor), each answered at once");
    }

    @Test
    void theSuspicionTimeFollowsTheResourcesOwnLatency() {
        CoreFixture f = new CoreFixture(b -> b.requestTimeout(Duration.ofSeconds(30)), Balancer.Policy.ROUND_ROBIN.create(),
                ProxyCore.DEFAULT_SHARDS).online("a");
        for (int i = 0; i < 25; i++) {
            Sent fwd = request(f, "g" + i, ALICE, "g" + i, "get");
            f.advance(Duration.ofMillis(3000));
            f.answer("r" + i, fwd);
            f.out.take();
        }
        f.core.tick();
        f.out.pings();
        TargetResource a = resource(f, "a");
        assertEquals(3071, a.stats().percentile(0.99), "3000 ms falls in the bucket up to 3071 ms");
        request(f, "held", ALICE, "held", "get");
        f.advance(Duration.ofMillis(6000));
        f.core.tick();
        assertEquals(List.of(), f.out.pings(), "twice its p99 (6142 ms) has not passed");
        f.advance(Duration.ofMillis(250));
        f.core.tick();
        assertEquals(1, f.out.pings().size());
    }

    @Test
    void whenEveryResourceIsOutOfRotationRequestsAreAnsweredServiceUnavailableAtOnce() {
        CoreFixture f = new CoreFixture(b -> b.requestTimeout(Duration.ofSeconds(30))).online("a");
        f.get("g1", ALICE, "1");
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "a"));
        assertEquals(List.of(), f.out.take(), "the get has nowhere to move: it stays");
        f.core.onIq("g2", new Iq(BOB, COMPONENT, "2", "get", 1));
        Sent refused = f.out.one();
        assertEquals(Kind.ERROR, refused.kind());
        assertEquals(Condition.SERVICE_UNAVAILABLE, refused.error().condition());
        assertEquals(ErrorType.WAIT, refused.error().type());
    }

    @Test
    void pingAnswersFromAnyoneElseOrWithAnotherIdChangeNothing() {
        CoreFixture f = twoResources();
        f.answer("r1", request(f, "g1", ALICE, "1", "get"));
        f.out.take();
        request(f, "g2", ALICE, "2", "get");
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        Sent ping = f.out.pings().get(0);
        f.core.onIq("pong", new Iq(res("a"), ping.from(), ping.id(), "result", 0));
        f.core.onIq("pong", new Iq(res("b"), ping.from(), ping.id() + "0", "result", 0));
        f.core.onIq("pong", new Iq(BOB, ping.from(), ping.id(), "result", 0));
        f.core.onIq("pong", new Iq(res("b"), COMPONENT.withResource("@ping.xother"), ping.id(), "result", 0));
        assertEquals(Liveness.State.SUSPECTED, state(f, "b"));
        assertEquals(List.of(), f.out.take());
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "b"));
    }

    // ------------------------------------------------------------------ refusals

    private static void refuse(CoreFixture f, Sent fwd, String condition) {
        f.core.onIq("refused", new Iq(fwd.to(), fwd.from(), fwd.id(), "error", 1, null, condition));
    }

    @Test
    void aGetRefusedFeatureNotImplementedIsTriedOnTheOtherResourceAndARefuserStopsGettingThatKind() {
        CoreFixture f = twoResources();
        // b is a second client that knows nothing of the service.
        int refusals = 0;
        for (int i = 0; refusals < RefusedKinds.STRIKES; i++) {
            assertTrue(i < 20, "b got requests");
            Sent fwd = request(f, "g" + i, ALICE, "g" + i, "get");
            if (fwd.to().equals(res("a"))) {
                f.answer("r" + i, fwd);
                f.out.take();
                continue;
            }
            refusals++;
            refuse(f, fwd, "feature-not-implemented");
            Sent moved = f.out.one();
            assertEquals("g" + i, moved.stanza());
            assertEquals(res("a"), moved.to());
            f.answer("r" + i, moved);
            assertEquals("r" + i, f.out.one().stanza(), "the sender gets the result");
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(res("a"), request(f, "n" + i, BOB, "n" + i, i % 2 == 0 ? "get" : "set").to(),
                    "b gets no more requests of " + NS);
        }
        // Another kind still goes to b.
        f.core.onIq("other", new Iq(BOB, COMPONENT, "o1", "get", 1, "urn:example:other", null));
        f.core.onIq("other", new Iq(BOB, COMPONENT, "o2", "get", 1, "urn:example:other", null));
        assertTrue(f.out.take().stream().anyMatch(s -> s.to().equals(res("b"))));
        assertEquals(1, f.core.counters().get(Counter.KINDS_REFUSED));
        assertEquals(NS, resource(f, "b").refusedNamespaces(f.now.get()));
        // Its next presence clears it.
        f.online("b");
        assertEquals("", resource(f, "b").refusedNamespaces(f.now.get()));
    }

    @Test
    void aSetRefusedFeatureNotImplementedGetsThatAnswerAndIsNeverSentTwice() {
        CoreFixture f = twoResources();
        f.answer("r1", request(f, "s1", ALICE, "1", "set"));
        f.out.take();
        Sent toB = request(f, "s2", ALICE, "2", "set");
        assertEquals(res("b"), toB.to());
        refuse(f, toB, "feature-not-implemented");
        Sent answer = f.out.one();
        assertEquals("refused", answer.stanza(), "the bot's own error goes to the sender");
        assertEquals(ALICE, answer.to());
        assertEquals(1, resource(f, "b").stats().botErrors());
    }

    @Test
    void afterOneRefusedGetThatAnotherServedARefusedSetCountsToo() {
        CoreFixture f = twoResources();
        boolean refusedGet = false;
        boolean refusedSet = false;
        for (int i = 0; !(refusedGet && refusedSet); i++) {
            assertTrue(i < 40, "b got a get and then a set");
            String type = refusedGet ? "set" : "get";
            Sent fwd = request(f, "q" + i, ALICE, "q" + i, type);
            if (fwd.to().equals(res("a"))) {
                f.answer("r" + i, fwd);
                f.out.take();
                continue;
            }
            refuse(f, fwd, "feature-not-implemented");
            if (!refusedGet) {
                f.answer("r" + i, f.out.one());
                f.out.take();
                refusedGet = true;
            } else {
                assertEquals("refused", f.out.one().stanza(), "the set gets b's error, once");
                refusedSet = true;
            }
        }
        assertEquals(NS, resource(f, "b").refusedNamespaces(f.now.get()));
        for (int i = 0; i < 4; i++) {
            assertEquals(res("a"), request(f, "n" + i, BOB, "n" + i, "set").to());
        }
    }

    @Test
    void aGetThatNoResourceSupportsGetsTheBotsOwnErrorAfterOneTryEach() {
        CoreFixture f = twoResources();
        Sent first = request(f, "g", ALICE, "1", "get");
        refuse(f, first, "feature-not-implemented");
        Sent second = f.out.one();
        assertEquals("g", second.stanza());
        refuse(f, second, "feature-not-implemented");
        Sent answer = f.out.one();
        assertEquals("refused", answer.stanza());
        assertEquals(ALICE, answer.to());
        assertEquals(0, f.core.counters().get(Counter.KINDS_REFUSED), "nobody served it: nobody is blamed");
    }

    @Test
    void latencyBucketsAreAtMostAFifthWide() {
        for (long ms = 0; ms < 200_000; ms += 7) {
            int b = ResourceStats.bucketOf(ms);
            long hi = ResourceStats.upperEdge(b);
            long lo = b == 0 ? 0 : ResourceStats.upperEdge(b - 1) + 1;
            assertTrue(ms <= hi || b == ResourceStats.BUCKETS - 1, ms + " in " + lo + ".." + hi);
            assertTrue(ms >= lo, ms + " in " + lo + ".." + hi);
            assertTrue(hi - lo <= Math.max(1, hi / 5 + 1), lo + ".." + hi);
        }
    }

    /** docs/behaviour.md: subscribers to the service's presence see it go while no resource serves. */
    @Test
    void subscribersSeeTheServiceGoWhileItsOnlyResourceIsOutOfRotationAndComeBack() {
        CoreFixture f = new CoreFixture(b -> b.requestTimeout(Duration.ofSeconds(30))).online("a");
        f.core.onPresence("p", BOB, COMPONENT, "subscribe", 0);
        f.out.take();
        f.answer("r1", request(f, "g1", ALICE, "1", "get"));
        f.out.take();
        request(f, "g2", ALICE, "2", "get");
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        f.out.pings();
        f.advance(Duration.ofSeconds(2));
        f.core.tick();
        assertEquals(Liveness.State.OUT_OF_ROTATION, state(f, "a"));
        List<Sent> told = f.out.take(s -> s.kind() == Kind.PRESENCE);
        assertEquals(1, told.size(), told.toString());
        assertEquals("unavailable", told.get(0).presenceType());
        assertEquals(BOB.asBare(), told.get(0).to());
        f.core.onPresence("p", res("a"), COMPONENT, null, 0);
        f.core.tick();
        List<Sent> back = f.out.take(s -> s.kind() == Kind.PRESENCE && s.to().equals(BOB.asBare()));
        assertEquals(1, back.size(), back.toString());
        assertNull(back.get(0).presenceType(), "available again");
    }
}
