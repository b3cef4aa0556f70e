package io.clientproxy.tigase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tigase.xml.Element;

/**
 * The Element operations the adapter uses in the form the next Tigase does not deprecate behave as
 * the deprecated ones did (with -Ptigase against the real classes too), and the adapter no longer
 * calls the deprecated ones.
 */
class ElementsTest {

    @Test
    void createdElementsAreWrittenAsTheConstructorsWroteThem() {
        assertEquals("<presence/>", Elements.create("presence").toString());
        assertEquals("<text>a &amp; b</text>", Elements.create("text", "a &amp; b").toString());
    }

    @Test
    void anAttributeIsFoundByAnyEqualNameAndReturnedAsStored() {
        Element e = Elements.create("iq");
        e.setAttribute("id", "a&apos;b");
        assertEquals("a&apos;b", Elements.attribute(e, new String(new char[] {'i', 'd'})));
        assertNull(Elements.attribute(e, "type"));
    }

    @Test
    void childrenAreFoundByNameAndNamespace() {
        Element message = Elements.create("message");
        Element hint = Elements.create("no-copy");
        hint.setXMLNS("urn:xmpp:hints");
        Elements.append(message, Elements.create("body", "hi"));
        Elements.append(message, hint);
        assertEquals("body", Elements.child(message, "body").getName());
        assertEquals("urn:xmpp:hints", Elements.child(message, "no-copy", "urn:xmpp:hints").getXMLNS());
        assertEquals("no-copy", Elements.child(message, "no-copy", null).getName());
        assertNull(Elements.child(message, "no-copy", "urn:xmpp:other"));
        assertNull(Elements.child(Elements.create("empty"), "body"));
    }

    @Test
    void appendAddsACopy() {
        Element parent = Elements.create("error");
        Element child = Elements.create("gone");
        Elements.append(parent, child);
        Element added = Elements.child(parent, "gone");
        assertEquals(child.toString(), added.toString());
        assertNotSame(child, added);
        child.setAttribute("late", "x");
        assertNull(Elements.attribute(added, "late"), "a change after append does not reach the parent");
        assertSame(1, parent.getChildren().size());
    }

    /** Master deprecates these Element methods; the adapter's classes must not name them. */
    @Test
    void theAdapterNoLongerCallsWhatMasterDeprecates() throws IOException {
        List<String> found = new ArrayList<>();
        for (Class<?> c : List.of(ClientProxyComponent.class, PacketOutbox.class, PayloadElements.class,
                ClusterCommands.class, TigaseJids.class, XmlText.class, Elements.class, RosterApproval.class)) {
            String pool = constantPoolText(c);
            for (String method : List.of("getAttributeStaticStr", "getChild", "addChild")) {
                if (pool.contains(utf8Entry(method))) {
                    found.add(c.getSimpleName() + " calls " + method);
                }
            }
        }
        assertEquals(List.of(), found);
        assertTrue(constantPoolText(Elements.class).contains(utf8Entry("elementInstance")), "the check sees names");
    }

    /** A class file read as ISO-8859-1 text: each byte one char, so byte sequences can be searched. */
    private static String constantPoolText(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A CONSTANT_Utf8 entry: tag 1, two length bytes, the name (so "getChild" does not match "getChildren"). */
    private static String utf8Entry(String name) {
        return "\u0001" + (char) (name.length() >> 8) + (char) (name.length() & 0xff) + name;
    }
}
