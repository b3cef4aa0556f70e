package io.clientproxy.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** A core wired to a recording outbox and a clock the test moves by hand. */
final class CoreFixture {
    static final Jid COMPONENT = Jid.parse("proxy.example.com");
    static final Jid TARGET = Jid.parse("bot@example.com");
    static final Jid ALICE = Jid.parse("alice@example.com/phone");
    static final Jid ALICE_LAPTOP = Jid.parse("alice@example.com/laptop");
    static final Jid BOB = Jid.parse("bob@example.org/desk");

    final AtomicLong now = new AtomicLong(1_000_000);
    final RecordingOutbox out = new RecordingOutbox();
    final ProxyCore<String> core;

    CoreFixture() {
        this(b -> b);
    }

    CoreFixture(UnaryOperator<ProxySettings.Builder> settings) {
        this(settings, Balancer.RANDOM, ProxyCore.DEFAULT_SHARDS);
    }

    CoreFixture(UnaryOperator<ProxySettings.Builder> settings, Balancer balancer, int shards) {
        ProxySettings s = settings.apply(ProxySettings.builder().target(TARGET)).build();
        core = new ProxyCore<>(s, COMPONENT, out, balancer, now::get, shards);
    }

    static Jid res(String resource) {
        return TARGET.withResource(resource);
    }

    CoreFixture online(String resource, int priority) {
        core.onPresence("presence", res(resource), COMPONENT, null, priority);
        return this;
    }

    CoreFixture online(String... resources) {
        for (String r : resources) {
            online(r, 0);
        }
        return this;
    }

    void offline(String resource) {
        core.onPresence("unavailable", res(resource), COMPONENT, "unavailable", 0);
    }

    /** Sends a get from {@code from} to the bare component and returns the forwarded copy. */
    RecordingOutbox.Sent get(String label, Jid from, String id) {
        core.onIq(label, new Iq(from, COMPONENT, id, "get", 1));
        return out.one();
    }

    void request(String label, Jid from, Jid to, String id, String type) {
        core.onIq(label, new Iq(from, to, id, type, 1));
    }

    /** The target's resource answers the forwarded stanza {@code fwd} with a result, with the id it carried. */
    void answer(String label, RecordingOutbox.Sent fwd) {
        core.onIq(label, new Iq(fwd.to(), fwd.from(), fwd.id(), "result", 0));
    }

    void advance(Duration d) {
        now.addAndGet(d.toMillis());
    }
}
