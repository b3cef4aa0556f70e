package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader's own per-stanza limits: a stanza over one is skipped and reported with its start
 * tag, the stanzas around it are read as usual, and nothing accumulates over the stream.
 */
class StanzaLimitsTest {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
            + "xmlns:stream='http://etherx.jabber.org/streams' id='abc123' from='proxy.localhost'>";
    private static final StanzaLimits SMALL = new StanzaLimits(4096, 8, 10, 64);
    private static final String BEFORE = "<iq type='get' id='before' from='a@x/r' to='proxy.localhost'><q xmlns='urn:x'/></iq>";
    private static final String AFTER = "<message id='after'><body>still here</body></message>";

    private final List<StanzaLimits.Refused> refused = new ArrayList<>();

    private StanzaReader reader(byte[] stream) throws IOException {
        StanzaReader r = new StanzaReader(new ByteArrayInputStream(stream), SMALL, refused::add);
        r.readHeader();
        return r;
    }

    /** The bad stanza between two good ones: both good ones arrive, the bad one is refused with its start tag. */
    private StanzaLimits.Refused sandwich(String bad) throws IOException {
        StanzaReader r = reader((HEADER + BEFORE + bad + AFTER + "</stream:stream>").getBytes(StandardCharsets.UTF_8));
        assertEquals("before", r.next().attribute("id"));
        assertEquals("still here", r.next().element("body").text());
        assertNull(r.next());
        assertEquals(1, refused.size(), refused.toString());
        return refused.get(0);
    }

    private static String iq(String payload) {
        return "<iq type='set' id='bad' from='mallory@x/r' to='proxy.localhost'>" + payload + "</iq>";
    }

    @Test
    void aStanzaOverTheSizeIsSkippedWithItsStartTag() throws IOException {
        StanzaLimits.Refused r = sandwich(iq("<q xmlns='urn:x'>" + "x'&lt;>&amp;".repeat(1000) + "</q>"));
        assertEquals(StanzaLimits.Violation.TOO_LARGE, r.violation());
        assertEquals("bad", r.stanza().attribute("id"));
        assertEquals("mallory@x/r", r.stanza().attribute("from"));
        assertEquals("set", r.stanza().attribute("type"));
    }

    @Test
    void aStanzaWhoseStartTagIsOverTheSizeHasNoStartTag() throws IOException {
        StanzaLimits.Refused r = sandwich("<iq type='get' id='" + "i".repeat(5000) + "'><q xmlns='urn:x'/></iq>");
        assertEquals(StanzaLimits.Violation.TOO_LARGE, r.violation());
        assertNull(r.stanza());
    }

    /**
     * Far over the size, in one attribute value that takes many reads: skipped without being kept
     * (a parser given all of it would hold its 4 MiB as 8 MiB of chars), and the stream goes on.
     * Reading it allocates no more than reading one just over the size.
     */
    @Test
    void aStartTagFarOverTheSizeIsNotKept() throws IOException {
        long justOver = allocatedReading(SMALL.maxBytes() + 1);
        long farOver = allocatedReading(4 << 20);
        assertTrue(farOver - justOver < (1 << 20), "allocated " + farOver + " bytes against " + justOver);
    }

    private long allocatedReading(int idLength) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] stream = (HEADER + BEFORE + "<iq type='get' id='" + "i".repeat(idLength) + "'><q xmlns='urn:x'/></iq>"
                + AFTER + "</stream:stream>").getBytes(StandardCharsets.UTF_8);
        refused.clear();
        long before = threads.getCurrentThreadAllocatedBytes();
        StanzaReader r = reader(stream);
        assertEquals("before", r.next().attribute("id"));
        assertEquals("still here", r.next().element("body").text());
        assertNull(r.next());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(1, refused.size(), refused.toString());
        assertEquals(StanzaLimits.Violation.TOO_LARGE, refused.get(0).violation());
        assertNull(refused.get(0).stanza());
        return allocated;
    }

    @Test
    void tooDeep() throws IOException {
        StanzaLimits.Refused r = sandwich(iq("<a>".repeat(300) + "</a>".repeat(300)));
        assertEquals(StanzaLimits.Violation.TOO_DEEP, r.violation());
        assertEquals("bad", r.stanza().attribute("id"));
    }

    @Test
    void exactlyAtTheDepthIsFine() throws IOException {
        StanzaReader r = reader((HEADER + iq("<a>".repeat(7) + "</a>".repeat(7)) + "</stream:stream>").getBytes(StandardCharsets.UTF_8));
        assertEquals("bad", r.next().attribute("id"));
        assertEquals(List.of(), refused);
    }

    @Test
    void tooManyAttributesOnAChild() throws IOException {
        StringBuilder a = new StringBuilder("<q xmlns='urn:x'");
        for (int i = 0; i < 11; i++) {
            a.append(" a").append(i).append("=\"v>/'\"");
        }
        StanzaLimits.Refused r = sandwich(iq(a + "/>"));
        assertEquals(StanzaLimits.Violation.TOO_MANY_ATTRIBUTES, r.violation());
    }

    @Test
    void tooManyAttributesOnTheStanzaItselfStillGivesItsAddresses() throws IOException {
        StringBuilder a = new StringBuilder("<iq type='get' id='wide' from='mallory@x/r' to='proxy.localhost'");
        for (int i = 0; i < 20; i++) {
            a.append(" a").append(i).append("='v'");
        }
        StanzaLimits.Refused r = sandwich(a + "><q xmlns='urn:x'/></iq>");
        assertEquals(StanzaLimits.Violation.TOO_MANY_ATTRIBUTES, r.violation());
        assertEquals("wide", r.stanza().attribute("id"));
    }

    @Test
    void aLongElementNameAndALongAttributeName() throws IOException {
        assertEquals(StanzaLimits.Violation.NAME_TOO_LONG,
                sandwich(iq("<" + "n".repeat(1001) + " xmlns='urn:test:x'/>")).violation());
        refused.clear();
        assertEquals(StanzaLimits.Violation.NAME_TOO_LONG,
                sandwich(iq("<q xmlns='urn:x' " + "b".repeat(65) + "='1'/>")).violation());
    }

    /** Over two limits: the one it went over first counts, also when the other is the size. */
    @Test
    void theFirstLimitCountsWhenAStanzaIsAlsoTooLarge() throws IOException {
        StringBuilder wide = new StringBuilder("<q xmlns='urn:x'");
        for (int i = 0; i < 11; i++) {
            wide.append(" a").append(i).append("='v'");
        }
        StanzaLimits.Refused r = sandwich(iq(wide + ">" + "x".repeat(5000) + "</q>"));
        assertEquals(StanzaLimits.Violation.TOO_MANY_ATTRIBUTES, r.violation());
        assertEquals("bad", r.stanza().attribute("id"));
        refused.clear();
        assertEquals(StanzaLimits.Violation.TOO_LARGE,
                sandwich(iq("<q xmlns='urn:x'>" + "x".repeat(5000) + "</q>" + wide + "/>")).violation());
    }

    @Test
    void commentsAndCdataInsideAStanzaDoNotConfuseTheFraming() throws IOException {
        StanzaReader r = reader((HEADER + iq("<q xmlns='urn:x'><!-- </iq> --><![CDATA[</iq><a>]]></q>") + AFTER
                + "</stream:stream>").getBytes(StandardCharsets.UTF_8));
        assertEquals("</iq><a>", r.next().element("q").text());
        assertEquals("still here", r.next().element("body").text());
        assertNull(r.next());
    }

    /**
     * Prosody writes every ' and " in text as &amp;apos; and &amp;quot;. The JDK's parser counts such
     * references over a whole document (JDK 24 and later stop at 100,000): per stanza, here, 1.5
     * million of them in one stream of over 9 MB, so the parser is also replaced on the way
     * ({@link StanzaReader#RECYCLE_BYTES}).
     */
    @Test
    void entityReferencesDoNotAccumulateOverTheStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER.getBytes(StandardCharsets.UTF_8));
        String stanza = "<message id='m'><body>" + "&apos;&quot;".repeat(150) + "</body></message>";
        int stanzas = 5000;
        for (int i = 0; i < stanzas; i++) {
            out.writeBytes(stanza.getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("</stream:stream>".getBytes(StandardCharsets.UTF_8));
        StanzaReader r = reader(out.toByteArray());
        int read = 0;
        while (r.next() != null) {
            read++;
        }
        assertEquals(stanzas, read);
        assertEquals(List.of(), refused);
        assertTrue(out.size() > StanzaReader.RECYCLE_BYTES, "long enough to replace the parser: " + out.size());
    }
}
