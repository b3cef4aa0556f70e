package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
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

    @Test
    void multiByteCharactersSurvive() throws IOException {
        StanzaReader r = reader(HEADER + "<message><body>Grüße, 世界 \uD83D\uDE00</body></message></stream:stream>");
        r.readHeader();
        assertEquals("Grüße, 世界 \uD83D\uDE00", r.next().element("body").text());
    }
}
