package io.clientproxy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing, parts and equality of the core's address type. */
class JidTest {

    @Test
    void partsOfFullBareAndDomainAddresses() {
        Jid full = Jid.parse("Alice@Example.COM/Phone/With@Slash");
        assertEquals("alice@example.com/Phone/With@Slash", full.toString(), "bare part lower-cased, resource kept");
        assertEquals("alice@example.com", full.bare());
        assertEquals("alice", full.local());
        assertEquals("example.com", full.domain());
        assertEquals("Phone/With@Slash", full.resource());
        assertFalse(full.isBare());
        assertTrue(full.hasBare("alice@example.com"));
        assertFalse(full.hasBare("alice@example.co"));
        assertEquals(Jid.parse("alice@example.com"), full.asBare());

        Jid domain = Jid.parse("proxy.example.com");
        assertNull(domain.local());
        assertNull(domain.resource());
        assertEquals("proxy.example.com", domain.domain());
        assertTrue(domain.isBare());
        assertEquals(Jid.parse("proxy.example.com/tok"), domain.withResource("tok"));
        assertEquals("proxy.example.com/tok", domain.withResource("tok").toString());
        assertEquals(domain, domain.withResource(null));
    }

    @Test
    void ofAndParseAgreeAndEqualityIsOnTheFullString() {
        assertEquals(Jid.parse("a@b/c"), Jid.of("a@b", "c"));
        assertEquals(Jid.parse("a@b/c").hashCode(), Jid.of("a@b", "c").hashCode());
        assertEquals("a@b/c".hashCode(), Jid.of("a@b", "c").hashCode(), "transparent tokens rely on this");
        assertEquals(Jid.parse("a@b"), Jid.of("a@b", ""));
        assertFalse(Jid.parse("a@b/c").equals(Jid.parse("a@b/C")));
    }

    @Test
    void malformedAddressesAreRefused() {
        for (String bad : new String[] {"", "/r", "@b", "a@", "a@b@c", "a@b/", "@", "a@/r"}) {
            assertThrows(IllegalArgumentException.class, () -> Jid.parse(bad), bad);
        }
        assertEquals("b", Jid.parse("b/x@y").domain(), "an '@' in the resource is not a local part");
        assertNull(Jid.parse("b/x@y").local());
    }

    @Test
    void resourceMatchesComparesTheWholeResource() {
        Jid encoded = Jid.parse("proxy.example.com/Abcd123");
        assertTrue(encoded.resourceMatches("Abcd123"));
        assertFalse(encoded.resourceMatches("Abcd124"));
        assertFalse(encoded.resourceMatches("Abcd12"));
        assertFalse(encoded.resourceMatches("abcd123"));
        assertFalse(Jid.parse("proxy.example.com").resourceMatches(""));
    }
}
