package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StanzaReaderTest {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
            + "xmlns:stream='http://etherx.jabber.org/streams' id='abc123' from='proxy.localhost'>";

    private static StanzaReader reader(String xml) throws IOException {
        return new StanzaReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsHeaderThenStanzasThenTheEnd() throws IOException {
        StanzaReader r = reader(HEADER + "<handshake/> \n <iq type='get' id='1'><query xmlns='urn:x'/></iq>"
                + "<!-- a comment --><presence from='bot@localhost/a'><priority>5</priority></presence></stream:stream>");
        XmlElement header = r.readHeader();
        assertEquals("stream:stream", header.name());
        assertEquals("abc123", header.attribute("id"));
        assertEquals("http://etherx.jabber.org/streams", header.attribute("xmlns:stream"));
        assertTrue(header.children().isEmpty());
        assertEquals("<handshake/>", r.next().toXml());
        assertEquals("<iq type=\"get\" id=\"1\"><query xmlns=\"urn:x\"/></iq>", r.next().toXml());
        assertEquals("5", r.next().element("priority").text());
        assertNull(r.next());
        assertNull(r.next(), "stays ended");
    }

    @Test
    void aStreamErrorIsJustAnElementHere() throws IOException {
        StanzaReader r = reader(HEADER + "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Unable to authenticate</text></stream:error></stream:stream>");
        r.readHeader();
        XmlElement error = r.next();
        assertEquals("stream:error", error.name());
        StreamErrorException e = StreamErrorException.from(error);
        assertEquals("not-authorized", e.condition());
        assertEquals("Unable to authenticate", e.text());
        assertTrue(e.isNotAuthorized());
        assertEquals("stream error not-authorized (Unable to authenticate)", e.getMessage());
    }

    @Test
    void theConnectionEndingInsideTheStreamIsAnEof() throws IOException {
        StanzaReader r = reader(HEADER + "<iq type='get' id='1'><query xmlns='urn:x'/></iq><iq type='g");
        r.readHeader();
        r.next();
        assertThrows(EOFException.class, r::next);
    }

    @Test
    void malformedXmlIsAnIoFailure() throws IOException {
        StanzaReader r = reader(HEADER + "<iq><a></b></iq>");
        r.readHeader();
        IOException e = assertThrows(IOException.class, r::next);
        assertTrue(e.getMessage().startsWith("malformed XML"), e.getMessage());
    }

    @Test
    void aDtdIsRefused() {
        IOException e = assertThrows(IOException.class, () -> reader(
                "<!DOCTYPE stream:stream [<!ENTITY x 'y'>]>" + HEADER.substring(HEADER.indexOf("<stream:"))).readHeader());
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
    }

    /** Each stanza is handed over as soon as its end tag arrives, without waiting for more input. */
    @Test
    @Timeout(5)
    void deliversEachStanzaWithoutReadingAhead() throws Exception {
        PipedOutputStream out = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(out, 1 << 16);
        out.write(HEADER.getBytes(StandardCharsets.UTF_8));
        out.flush();
        StanzaReader r = new StanzaReader(in);
        r.readHeader();
        out.write("<message id='1'><body>one</body></message>".getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertEquals("one", r.next().element("body").text());
        out.write("<message id='2'><body>t".getBytes(StandardCharsets.UTF_8));
        out.flush();
        out.write("wo</body></message>".getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertEquals("two", r.next().element("body").text());
        out.write("</stream:stream>".getBytes(StandardCharsets.UTF_8));
        out.close();
        assertNull(r.next());
    }

    /** However the socket cuts the bytes (here: one to seven at a time), the same stanzas come out. */
    @Test
    void anyChunkingGivesTheSameStanzas() throws IOException {
        String xml = HEADER + "<message id='1'><body>Grüße &amp; 世界 \uD83D\uDE00</body><!-- > </message> --></message>"
                + "<iq type='get' id='2' a='x&gt;/y'><q xmlns='urn:x'><![CDATA[</iq>]]><?pi </iq>?></q></iq>"
                + " \n <presence/></stream:stream>";
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        List<String> whole = all(new StanzaReader(new ByteArrayInputStream(bytes)));
        assertEquals(3, whole.size(), whole.toString());
        for (int chunk = 1; chunk <= 7; chunk++) {
            int n = chunk;
            InputStream cut = new FilterInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, n));
                }
            };
            assertEquals(whole, all(new StanzaReader(cut)), "chunks of " + chunk);
        }
    }

    private static List<String> all(StanzaReader r) throws IOException {
        r.readHeader();
        List<String> out = new ArrayList<>();
        XmlElement e;
        while ((e = r.next()) != null) {
            out.add(e.toXml());
        }
        return out;
    }

    /** A CDATA section whose text ends in ']' ends at its "]]>", the stanzas after it intact (XML 1.0, 2.7). */
    @Test
    void aCdataSectionEndingInABracketEndsWhereItEnds() throws IOException {
        StanzaReader r = reader(HEADER + "<message id='1'><body><![CDATA[a]]]></body></message>"
                + "<message id='2'><body><![CDATA[]]]]]></body></message><presence/></stream:stream>");
        r.readHeader();
        assertEquals("a]", r.next().element("body").text());
        assertEquals("]]]", r.next().element("body").text());
        assertEquals("presence", r.next().name());
        assertNull(r.next());
    }

    @Test
    void multiByteCharactersSurvive() throws IOException {
        StanzaReader r = reader(HEADER + "<message><body>Grüße, 世界 \uD83D\uDE00</body></message></stream:stream>");
        r.readHeader();
        assertEquals("Grüße, 世界 \uD83D\uDE00", r.next().element("body").text());
    }
}
