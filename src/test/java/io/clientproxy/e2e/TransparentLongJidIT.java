package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.ask;
import static io.clientproxy.e2e.FeatureFixture.seenFrom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Counter;
import io.clientproxy.standalone.StandaloneProxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code jat-mode = transparent} with senders whose full JID is as long as Prosody lets a client
 * bind (its stringprep takes at most 1,023 octets per part): the encoded address
 * {@code proxy.localhost/<full JID>} has the full JID as its resourcepart, which RFC 7622 section
 * 3.4 bounds at 1,023 octets. The resources are made of 'é' (two octets in UTF-8), so the bound is
 * crossed in octets at about half as many characters.
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class TransparentLongJidIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";

    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
        closeables.add(FeatureFixture.bot("bot", "a", 0));
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @AfterEach
    void stopProxy() {
        FeatureFixture.closeProxies();
    }

    /** A resource that makes {@code alice@localhost/<resource>} exactly {@code octets} long in UTF-8. */
    static String resourceFor(int octets) {
        int resourceOctets = octets - "alice@localhost/".length();
        String resource = "é".repeat(resourceOctets / 2) + (resourceOctets % 2 == 1 ? "x" : "");
        assertEquals(octets, ("alice@localhost/" + resource).getBytes(StandardCharsets.UTF_8).length);
        return resource;
    }

    @Test
    void aFullJidOf1023OctetsIsWhatTheBotSees() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("jat-mode", "transparent"), 1);
        XMPPTCPConnection alice = FeatureFixture.user("alice", resourceFor(1023));
        closeables.add(alice);
        String full = String.valueOf(alice.getUser());
        assertEquals(1023, full.getBytes(StandardCharsets.UTF_8).length, "Prosody bound the resource as asked");
        FeatureIq answer = ask(alice, COMPONENT, "hello");
        assertEquals(COMPONENT + "/" + full, seenFrom(answer), "transparent: the sender's full JID");
        assertEquals(0, proxy.core().counters().get(Counter.OPAQUE_FALLBACKS));
        alice.disconnect();
    }

    @Test
    void aFullJidOf1024OctetsGetsAnOpaqueTokenAndItsAnswer() throws Exception {
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("jat-mode", "transparent"), 1);
        XMPPTCPConnection alice = FeatureFixture.user("alice", resourceFor(1024));
        closeables.add(alice);
        assertEquals(1024, String.valueOf(alice.getUser()).getBytes(StandardCharsets.UTF_8).length);
        // Without the fallback Prosody refuses proxy.localhost/<1024 octets> (jid-malformed) and the bot never sees it.
        FeatureIq first = ask(alice, COMPONENT, "one");
        String seen = seenFrom(first);
        assertTrue(seen.matches(java.util.regex.Pattern.quote(COMPONENT) + "/@[A-Za-z0-9_-]{23}"), seen);
        FeatureIq second = ask(alice, COMPONENT, "two");
        assertEquals(seen, seenFrom(second), "the same token while mapped");
        assertEquals(1, proxy.core().counters().get(Counter.OPAQUE_FALLBACKS));
        assertEquals(2, proxy.core().counters().get(Counter.REPLIES_DELIVERED));
        alice.disconnect();
    }
}
