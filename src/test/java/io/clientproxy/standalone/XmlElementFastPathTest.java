package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Jid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The representation behind XmlElement that the hot path needs (attributes in an array, one
 * child or one piece of text without a list or a builder, cached addresses) behaves as the
 * maps, lists and parsing it replaced.
 */
class XmlElementFastPathTest {

    @Test
    void setsReplaceInPlaceAlsoPastTheScanLimit() {
        XmlElement.Builder b = XmlElement.builder("e");
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            b.attribute("a" + i, "v" + i);
            expected.put("a" + i, "v" + i);
        }
        for (int i = 0; i < 40; i += 3) {
            b.attribute("a" + i, "w" + i);
            expected.put("a" + i, "w" + i);
        }
        b.attribute("a5", null); // a null value leaves it as it is
        XmlElement e = b.build();
        assertEquals(expected, e.attributes());
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(e.attributes().keySet()));
        assertEquals("w39", e.attribute("a39"));
        assertEquals(expected.hashCode(), e.attributes().hashCode());
    }

    @Test
    void aBuilderUsedAgainDoesNotChangeWhatItBuilt() {
        XmlElement.Builder b = XmlElement.builder("iq").attribute("id", "1").attribute("type", "get");
        XmlElement first = b.build();
        b.attribute("id", "2").attribute("to", "x");
        XmlElement second = b.build();
        assertEquals("<iq id=\"1\" type=\"get\"/>", first.toXml());
        assertEquals("<iq id=\"2\" type=\"get\" to=\"x\"/>", second.toXml());
        XmlElement parsedLike = XmlElement.builder("q", 2).parsedAttribute("xmlns", "n").parsedAttribute("k", "v").build();
        assertEquals("<q xmlns=\"n\" k=\"v\"/>", parsedLike.toXml());
    }

    @Test
    void equalityIsAsMapsOrderDoesNotMatter() {
        XmlElement a = XmlElement.parse("<iq id='1' type='get'/>");
        XmlElement b = XmlElement.parse("<iq type='get' id='1'/>");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, XmlElement.parse("<iq type='get' id='2'/>"));
        assertNotEquals(a, XmlElement.parse("<iq type='get'/>"));
    }

    @Test
    void theMapViewIsReadOnlyAndComplete() {
        XmlElement e = XmlElement.parse("<m xmlns='jabber:client' from='a@b/c' xml:lang='en'/>");
        Map<String, String> m = e.attributes();
        assertEquals(3, m.size());
        assertTrue(m.containsKey("xml:lang"));
        assertFalse(m.containsKey("to"));
        assertNull(m.get(42));
        assertEquals("{xmlns=jabber:client, from=a@b/c, xml:lang=en}", m.toString());
        assertThrows(UnsupportedOperationException.class, () -> m.put("to", "x"));
        assertThrows(UnsupportedOperationException.class, () -> m.entrySet().iterator().next().setValue("x"));
        assertSame(m, e.attributes());
        assertTrue(XmlElement.parse("<a/>").attributes().isEmpty());
    }

    @Test
    void withAttributeOnManyAttributes() {
        StringBuilder xml = new StringBuilder("<e");
        for (int i = 0; i < 20; i++) {
            xml.append(" a").append(i).append("='").append(i).append('\'');
        }
        XmlElement e = XmlElement.parse(xml.append("/>").toString());
        XmlElement changed = e.withAttribute("a10", "x").withAttribute("a0", null).withAttribute("new", "n");
        List<String> keys = new ArrayList<>(changed.attributes().keySet());
        assertEquals(20, keys.size());
        assertEquals("a1", keys.get(0));
        assertEquals("a10", keys.get(9));
        assertEquals("x", changed.attribute("a10"));
        assertEquals("new", keys.get(19));
        assertEquals("0", e.attribute("a0"), "the original is unchanged");
        assertSame(e.attributes().size(), 20);
        assertEquals(XmlElement.parse(changed.toXml()), changed);
        assertSame(e.withAttribute("absent", null).attributes().size(), 20);
    }

    @Test
    void textInPiecesIsMergedAndChildrenKeepTheirOrder() {
        XmlElement e = XmlElement.builder("m").text("a").text(new StringBuilder("b")).text("").text("c")
                .child(XmlElement.builder("x").build()).text("d")
                .child(XmlElement.builder("y").text("only").build()).build();
        assertEquals("<m>abc<x/>d<y>only</y></m>", e.toXml());
        assertEquals(List.of(new XmlText("abc"), XmlElement.builder("x").build(), new XmlText("d"),
                XmlElement.builder("y").text("only").build()), e.children());
        assertEquals("abcd", e.text());
        assertEquals(List.of(new XmlText("t")), XmlElement.builder("z").text("t").build().children());
        assertEquals(List.of(), XmlElement.builder("z").text("").build().children());

        XmlElement.Builder reused = XmlElement.builder("r").text("1");
        XmlElement one = reused.build();
        reused.text("2");
        XmlElement two = reused.build();
        assertEquals("<r>1</r>", one.toXml());
        assertEquals("<r>12</r>", two.toXml(), "a builder used again goes on from where it was, as before");
        assertEquals(List.of(new XmlText("1"), new XmlText("2")), two.children());

        XmlElement parsed = XmlElement.parse("<m>one &amp; <![CDATA[two]]> three<b/>four</m>");
        assertEquals(List.of(new XmlText("one & two three"), XmlElement.builder("b").build(), new XmlText("four")),
                parsed.children());
    }

    @Test
    void repeatedAttributesAreRefusedByTheParser() {
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse("<a x='1' x='2'/>"));
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse("<a xmlns='1' xmlns='2'/>"));
    }

    @Test
    void escapingOnlyWhereNeeded() {
        XmlElement e = XmlElement.builder("m").attribute("plain", "abc").attribute("x", "é\"<&>\t\n\r!")
                .text("plain é ").text("<&>\r!").build();
        assertEquals("<m plain=\"abc\" x=\"é&quot;&lt;&amp;&gt;&#x9;&#xA;&#xD;!\">plain é &lt;&amp;&gt;&#xD;!</m>", e.toXml());
        assertEquals(e, XmlElement.parse(e.toXml()));
    }

    @Test
    void addressesAreParsedOnceAndStayCorrect() {
        Jid a = StanzaDispatcher.jid("Alice@Example.COM/Phone");
        assertEquals(Jid.parse("alice@example.com/Phone"), a);
        assertSame(a, StanzaDispatcher.jid("Alice@Example.COM/Phone"));
        assertNull(StanzaDispatcher.jid("@example.com"));
        assertNull(StanzaDispatcher.jid("@example.com"));
        assertNull(StanzaDispatcher.jid(null));
        String longOne = "bot@localhost/" + "r".repeat(1000);
        assertEquals(Jid.parse(longOne), StanzaDispatcher.jid(longOne));
        for (int i = 0; i < 5000; i++) { // many more than the cache holds: still right
            assertEquals("u" + i + "@d/r", StanzaDispatcher.jid("u" + i + "@d/r").toString());
        }
    }
}
