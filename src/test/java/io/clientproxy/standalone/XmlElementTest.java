package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class XmlElementTest {

    /** Parsing then writing gives an equal element, and writing is stable after one round. */
    private static XmlElement roundTrip(String xml) {
        XmlElement parsed = XmlElement.parse(xml);
        String written = parsed.toXml();
        XmlElement again = XmlElement.parse(written);
        assertEquals(parsed, again, written);
        assertEquals(written, again.toXml());
        return parsed;
    }

    @Test
    void keepsNamesAttributesOrderAndNestedPayload() {
        XmlElement iq = roundTrip("<iq type='get' id='q1' to='proxy.localhost' from='alice@localhost/res'>"
                + "<query xmlns='urn:example:echo' mode='x'><item n='1'>one</item><item n='2'/>tail</query></iq>");
        assertEquals(List.of("type", "id", "to", "from"), List.copyOf(iq.attributes().keySet()));
        XmlElement query = iq.element("query");
        assertEquals("urn:example:echo", query.attribute("xmlns"));
        assertEquals("urn:example:echo", query.namespaceIn(iq));
        assertEquals(2, query.elementCount());
        assertEquals("one", query.elements().get(0).text());
        assertEquals("tail", query.text());
        assertEquals("<iq type=\"get\" id=\"q1\" to=\"proxy.localhost\" from=\"alice@localhost/res\">"
                + "<query xmlns=\"urn:example:echo\" mode=\"x\"><item n=\"1\">one</item><item n=\"2\"/>tail</query></iq>",
                iq.toXml());
    }

    @Test
    void keepsPrefixesAndTheirDeclarations() {
        XmlElement m = roundTrip("<message xmlns:e='urn:example:ext' xml:lang='de'>"
                + "<e:data e:kind='k'><e:inner/></e:data><body>hi</body></message>");
        XmlElement data = m.element("e:data");
        assertEquals("e", data.prefix());
        assertEquals("k", data.attribute("e:kind"));
        assertNull(data.declaredNamespace());
        assertEquals("urn:example:ext", data.namespaceIn(m));
        assertEquals("de", m.attribute("xml:lang"));
        assertEquals("urn:example:ext", m.attribute("xmlns:e"));
        assertTrue(m.toXml().startsWith("<message xmlns:e=\"urn:example:ext\" xml:lang=\"de\"><e:data e:kind=\"k\">"), m.toXml());
    }

    @Test
    void keepsNamespacedChildrenOfOtherNamespacesUnderAPayload() {
        XmlElement iq = roundTrip("<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                + "<publish node='n'><item><entry xmlns='http://www.w3.org/2005/Atom'><title>t</title></entry>"
                + "</item></publish></pubsub></iq>");
        XmlElement entry = iq.element("pubsub").element("publish").element("item").element("entry");
        assertEquals("http://www.w3.org/2005/Atom", entry.attribute("xmlns"));
        assertEquals("t", entry.element("title").text());
    }

    @Test
    void escapesWhatNeedsEscaping() {
        XmlElement e = XmlElement.builder("message")
                .attribute("to", "a&b<c>\"d'e")
                .attribute("x", "tab\there\nline\rcr")
                .text("1 < 2 & 3 > 2 \"quoted\" 'single' ]]> \r")
                .build();
        String xml = e.toXml();
        assertEquals("<message to=\"a&amp;b&lt;c&gt;&quot;d'e\" x=\"tab&#x9;here&#xA;line&#xD;cr\">"
                + "1 &lt; 2 &amp; 3 &gt; 2 \"quoted\" 'single' ]]&gt; &#xD;</message>", xml);
        assertEquals(e, XmlElement.parse(xml));
    }

    @Test
    void unescapesEntitiesCharacterReferencesAndCdata() {
        XmlElement e = XmlElement.parse("<body a='&lt;&amp;&gt;&quot;&apos;'>&#x1F600; &#65;<![CDATA[<raw & stuff>]]></body>");
        assertEquals("<&>\"'", e.attribute("a"));
        assertEquals("\uD83D\uDE00 A<raw & stuff>", e.text());
        assertEquals(e, roundTrip(e.toXml()));
    }

    @Test
    void withAttributeCopiesAndKeepsPlace() {
        XmlElement iq = XmlElement.parse("<iq from='a@b/c' id='1' to='x' type='get'><q xmlns='n'/></iq>");
        XmlElement moved = iq.withAttribute("from", "proxy.localhost/tok").withAttribute("to", "bot@localhost/r");
        assertEquals("<iq from=\"proxy.localhost/tok\" id=\"1\" to=\"bot@localhost/r\" type=\"get\"><q xmlns=\"n\"/></iq>",
                moved.toXml());
        assertEquals("a@b/c", iq.attribute("from"), "the original is unchanged");
        assertNotSame(iq, moved);
        assertNull(iq.withAttribute("id", null).attribute("id"));
        XmlElement added = XmlElement.parse("<presence/>").withAttribute("to", "t");
        assertEquals("<presence to=\"t\"/>", added.toXml());
    }

    @Test
    void refusesWhatIsNotOneWellFormedElement() {
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse("<a><b></a>"));
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse("<a/><b/>"));
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse("text"));
    }

    @Test
    void refusesDtdsAndEntities() {
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse(
                "<!DOCTYPE a [<!ENTITY x 'boom'>]><a>&x;</a>"));
        assertThrows(IllegalArgumentException.class, () -> XmlElement.parse(
                "<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>"));
    }
}
