package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.await;
import static io.clientproxy.e2e.FeatureFixture.jid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.clientproxy.standalone.StandaloneProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/behaviour.md "Presence of the service": a user of a real Prosody adds the component to her
 * roster (Smack's roster, as any client does it), gets {@code subscribed}, and then sees the
 * service available while a bot resource is online and unavailable while none is; at her next
 * login Prosody probes the component for her, and the answer is the current presence.
 */
@Timeout(90)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class ServicePresenceIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    /** Available and unavailable presence from the component, as alice's client receives it. */
    private static BlockingQueue<Presence> presenceFromComponent(XMPPTCPConnection user) {
        BlockingQueue<Presence> got = new LinkedBlockingQueue<>();
        user.addAsyncStanzaListener(s -> got.add((Presence) s),
                s -> s instanceof Presence p && p.getFrom() != null && COMPONENT.equals(p.getFrom().toString())
                        && (p.getType() == Presence.Type.available || p.getType() == Presence.Type.unavailable));
        return got;
    }

    private static Presence.Type next(BlockingQueue<Presence> presence) throws InterruptedException {
        Presence p = presence.poll(FeatureFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(p, "a presence from " + COMPONENT + " within " + FeatureFixture.WAIT);
        return p.getType();
    }

    @Test
    void aUserSubscribedToTheComponentSeesWhetherTheServiceIsUp() throws Exception {
        FeatureBot bot = FeatureFixture.bot("bot", "a", 0);
        closeables.add(bot);
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET), 1);

        XMPPTCPConnection alice = FeatureFixture.user("alice", "phone");
        closeables.add(alice);
        BlockingQueue<Presence> seen = presenceFromComponent(alice);
        Roster roster = Roster.getInstanceFor(alice);
        roster.createItemAndRequestSubscription(jid(COMPONENT).asBareJid(), "service", null);
        assertEquals(Presence.Type.available, next(seen), "the service is up: a bot resource is online");
        await(() -> {
            RosterEntry e = roster.getEntry(jid(COMPONENT).asBareJid());
            return e != null && e.getType() == RosterPacket.ItemType.to;
        }, () -> "alice's roster has the component with subscription 'to': " + roster.getEntries());

        bot.close();
        assertEquals(Presence.Type.unavailable, next(seen), "no bot resource: the service is down");

        FeatureBot back = FeatureFixture.bot("bot", "b", 0);
        closeables.add(back);
        assertEquals(Presence.Type.available, next(seen), "a bot resource is back");

        // A new login: Prosody probes the component on alice's behalf and passes the answer on.
        alice.disconnect();
        XMPPTCPConnection again = FeatureFixture.user("alice", "laptop");
        closeables.add(again);
        BlockingQueue<Presence> seenAgain = presenceFromComponent(again);
        Roster.getInstanceFor(again).reloadAndWait();
        assertEquals(Presence.Type.available, next(seenAgain), "the probe at login is answered with the current presence");
        assertEquals(0, proxy.core().counters().get(io.clientproxy.core.Condition.BAD_REQUEST));
    }
}
