package io.clientproxy.standalone;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an XMPP stream: first the stream header, then one top-level element (stanza) at a time,
 * each handed over as soon as its end tag has arrived (nothing waits for more input than that).
 *
 * <p>Parsing is Woodstox's (relocated into this jar), namespace-unaware, so that prefixes and
 * {@code xmlns} declarations reach {@link XmlElement} as plain names and attributes. Its own
 * limits are per element and per text node; the ones it counts over a whole document (elements,
 * characters, children of the root) are switched off, since a stream is one document that lives
 * for days. DTDs are refused and entities never resolved: XMPP forbids both (RFC 6120 11.1).
 *
 * <p>The {@link StanzaLimits} hold per stanza. Depth, attributes and name length are checked on
 * the parsed events: a stanza over one is read to its end and not kept. Size needs more, since a
 * parser keeps a whole start tag (every value, every name) before it reports it, and cannot go on
 * after refusing input: the parser reads through a {@link Framer}, which finds where each stanza
 * ends on the raw bytes and gives it no more than {@code max-stanza-size} bytes of one; the rest of
 * a larger one is skipped unparsed and the parser replaced. Either way the stanza goes to the
 * {@code refused} callback with its own start tag (when that was within the limits), so that a
 * request can still be answered, and the limit it went over first; and the stream goes on.
 *
 * <p>The parser is also replaced every {@link #RECYCLE_BYTES} (at a stanza boundary): its table
 * of every name it has seen grows for as long as one document lasts.
 *
 * <p>Used by one thread at a time.
 */
final class StanzaReader implements AutoCloseable {
    /** Input after which the parser is replaced by a fresh one (at the next stanza boundary), in bytes. */
    static final int RECYCLE_BYTES = 8 * 1024 * 1024;
    /** The root a replacement parser reads the next stanzas inside (the real header has been read). */
    private static final byte[] ROOT = "<stanzas>".getBytes(StandardCharsets.US_ASCII);

    private final Framer framer;
    private final StanzaLimits limits;
    private final Consumer<StanzaLimits.Refused> refused;
    /** The elements open inside the stanza being read, the stanza itself last; reused. */
    private final ArrayDeque<XmlElement.Builder> open = new ArrayDeque<>();
    private XMLStreamReader reader;
    /** The first limit the stanza being parsed went over, or null. */
    private StanzaLimits.Violation violation;
    private boolean ended;

    StanzaReader(InputStream in) {
        this(in, StanzaLimits.DEFAULTS, r -> { });
    }

    /**
     * @param refused gets each stanza over a limit (on the reading thread, in stream order)
     */
    StanzaReader(InputStream in, StanzaLimits limits, Consumer<StanzaLimits.Refused> refused) {
        this.framer = new Framer(in, limits.maxBytes());
        this.limits = limits;
        this.refused = refused;
    }

    /** A parser of its own for each input: Woodstox's, namespace-unaware, without DTDs. */
    private static XMLStreamReader parser(InputStream in) throws XMLStreamException {
        // Woodstox's own class, not XMLInputFactory.newFactory(): nothing on the class path can swap
        // it, and this jar registers no StAX provider for anyone else (Tigase keeps its own).
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // Per element and per text: bounded by the stanza itself (max-stanza-size).
        for (String perElement : new String[] {WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT,
                WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, WstxInputProperties.P_MAX_TEXT_LENGTH,
                WstxInputProperties.P_MAX_ELEMENT_DEPTH, WstxInputProperties.P_MAX_CHILDREN_PER_ELEMENT}) {
            f.setProperty(perElement, Integer.MAX_VALUE);
        }
        // Over the whole document: off.
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, Long.MAX_VALUE);
        f.setProperty(WstxInputProperties.P_MAX_CHARACTERS, Long.MAX_VALUE);
        return f.createXMLStreamReader(in, "UTF-8");
    }

    /** Parses a string holding exactly one element (tests, tools; trusted input, no limits of ours). */
    static XmlElement parseElement(String xml) {
        try (StanzaReader one = new StanzaReader(InputStream.nullInputStream(), StanzaLimits.UNLIMITED, r -> { })) {
            one.reader = parser(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            XmlElement element = one.readContent(one.firstStart());
            while (one.reader.hasNext()) {
                if (one.reader.next() == XMLStreamConstants.START_ELEMENT) {
                    throw new IllegalArgumentException("more than one element in: " + xml);
                }
            }
            return element;
        } catch (IOException | XMLStreamException e) {
            throw new IllegalArgumentException("not a well-formed element: " + e.getMessage(), e);
        }
    }

    /**
     * Reads up to the end of the stream's root start tag ({@code <stream:stream ...>}).
     *
     * @return the root element with its attributes and no content
     * @throws IOException when the header is not a well-formed start tag within {@code max-stanza-size}
     */
    XmlElement readHeader() throws IOException {
        framer.next(true);
        try {
            reader = parser(framer);
            XmlElement header = firstStart().build();
            if (framer.depth == 0) {
                throw new IOException("malformed XML: the stream header closes itself");
            }
            return header;
        } catch (XMLStreamException | RuntimeException e) {
            throw framer.failure != null ? framer.failure : new IOException(framer.tooLarge
                    ? "the stream header is larger than max-stanza-size (" + limits.maxBytes() + " bytes)"
                    : "malformed XML in the stream header: " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    /**
     * The next complete top-level element inside the root, or null once the root has been closed
     * ({@code </stream:stream>}). Whitespace between elements (keepalives) is skipped; so are
     * stanzas over a limit, after they have been handed to the {@code refused} callback.
     *
     * @throws EOFException when the connection ends inside the stream
     * @throws IOException  when a stanza within the limits is not well-formed, or holds a DTD
     */
    XmlElement next() throws IOException {
        while (!ended) {
            if (!framer.next(false)) {
                ended = true;
            } else {
                XmlElement stanza = parseStanza();
                if (violation == null) {
                    return stanza;
                }
                refused.accept(new StanzaLimits.Refused(open.isEmpty() ? null
                        : open.peekLast().build().withoutContent(), violation));
            }
        }
        return null;
    }

    /** Parses the stanza the framer is at; on a limit, returns null with {@link #violation} set. */
    private XmlElement parseStanza() throws IOException {
        violation = null;
        open.clear();
        try {
            if (reader == null || framer.total > RECYCLE_BYTES) {
                close();
                framer.total = 0;
                reader = parser(new SequenceInputStream(new ByteArrayInputStream(ROOT), framer));
                firstStart();
            }
            if (reader.next() != XMLStreamConstants.START_ELEMENT) { // the framer starts it at its '<'
                throw new XMLStreamException("no element at a stanza's start");
            }
            return readContent(start());
        } catch (XMLStreamException | RuntimeException | IOException e) {
            close(); // left in an unknown state: the next stanza starts a new parser
            if (framer.failure != null) {
                throw framer.failure; // the connection, not the XML
            }
            framer.skipRest(); // a stanza over a limit is refused, also when it is not well-formed
            if (framer.tooLarge) {
                over(StanzaLimits.Violation.TOO_LARGE); // unless it went over another limit before the cut
            }
            if (violation == null) {
                throw e instanceof IOException io ? io : new IOException("malformed XML: "
                        + String.valueOf(e.getMessage()).replace('\n', ' '), e);
            }
            return null;
        }
    }

    private XmlElement.Builder firstStart() throws XMLStreamException, IOException {
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return start();
            }
            if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw forbidden(event);
            }
        }
        throw new EOFException("no element");
    }

    /** Reads the content and end tag of the element whose start tag was just read. */
    private XmlElement readContent(XmlElement.Builder top) throws XMLStreamException, IOException {
        // Iterative: nesting depth is up to the peer and must not be able to overflow our stack.
        open.clear();
        open.push(top);
        while (true) {
            switch (reader.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    XmlElement.Builder child = start();
                    if (open.size() >= limits.maxDepth()) {
                        over(StanzaLimits.Violation.TOO_DEEP);
                    }
                    open.push(child);
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (open.size() == 1) {
                        return open.peek().build();
                    }
                    XmlElement done = open.pop().build();
                    open.peek().child(done);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        open.peek().text(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
                        throw forbidden(reader.getEventType());
                case XMLStreamConstants.END_DOCUMENT -> throw new EOFException("the connection ended inside an element");
                default -> {
                    // comments and processing instructions carry nothing a stanza needs
                }
            }
        }
    }

    /** The element whose start tag was just read, its attributes checked against the limits. */
    private XmlElement.Builder start() {
        // Namespace-unaware: declarations are among the attributes, and the parser has refused
        // repeated attributes, so they go in without a search.
        int attributes = reader.getAttributeCount();
        String name = reader.getLocalName();
        XmlElement.Builder b = XmlElement.builder(name, attributes);
        if (attributes > limits.maxAttributes()) {
            over(StanzaLimits.Violation.TOO_MANY_ATTRIBUTES);
        }
        checkName(name);
        for (int i = 0; i < attributes; i++) {
            String attribute = reader.getAttributeLocalName(i);
            checkName(attribute);
            b.parsedAttribute(attribute, reader.getAttributeValue(i));
        }
        return b;
    }

    private void checkName(String name) {
        int max = limits.maxNameLength();
        // Bytes of UTF-8: chars are a lower bound, three per char an upper one.
        if (name.length() > max || (name.length() * 3 > max && name.getBytes(StandardCharsets.UTF_8).length > max)) {
            over(StanzaLimits.Violation.NAME_TOO_LONG);
        }
    }

    private void over(StanzaLimits.Violation v) {
        if (violation == null) {
            violation = v;
        }
    }

    private static IOException forbidden(int event) {
        return new IOException("the peer sent a " + (event == XMLStreamConstants.DTD ? "DTD" : "entity")
                + ", which XMPP forbids (RFC 6120 11.1)");
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // nothing held but memory
            }
            reader = null;
        }
    }

    /**
     * What the parser reads: the stream, one top-level element at a time, found on the raw bytes
     * as they are handed over; never more than the current element (the parser gets an error if
     * it asks, rather than a wait on the socket), nor more than {@code max-stanza-size} bytes of
     * it. UTF-8 never uses a byte below 0x80 inside a multi-byte character, so looking for
     * {@code < > / ' " ! ? - ]} byte by byte is exact. Well-formedness is the parser's job; this
     * only has to agree with it on where a well-formed element ends.
     */
    static final class Framer extends InputStream {
        /** Where the scan is: in text, after '<', in a start tag, in a quoted value, in an end tag, after "<!", in a comment, CDATA or PI. */
        private static final int TEXT = 0, OPEN = 1, START_TAG = 2, QUOTED = 3, END_TAG = 4, BANG = 5, SPECIAL = 6;

        private final InputStream in;
        private final int maxBytes;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int limit;
        private int state;
        private int depth;
        private int last;
        private int quote;
        /** The end of the comment, CDATA section or processing instruction being skipped, and how much of it was seen. */
        private String terminator;
        private int matched;
        /** The stream header: its start tag is the whole element. */
        private boolean headerOnly;
        private boolean done;
        /** Bytes of the current element scanned so far (skipping one over the size may go far). */
        private long size;
        /** Bytes given to the parser since {@link #total} was reset. */
        long total;
        boolean tooLarge;
        /** What reading the connection failed with, under the parser. */
        IOException failure;

        Framer(InputStream in, int maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        /**
         * Skips to the next top-level element (whitespace, stray text, comments, processing
         * instructions); false at the end of the stream ({@code </stream:stream>}).
         */
        boolean next(boolean header) throws IOException {
            while (true) {
                int b = peek(0, "without closing the stream");
                int c = b == '<' ? peek(1, "between stanzas") : 0;
                if (b != '<') {
                    if (header && b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                        throw new IOException("malformed XML: text before the stream header");
                    }
                    pos++; // whitespace (keepalives) or stray text between stanzas carries nothing
                } else if (c == '/' && !header) {
                    skip(">");
                    return false;
                } else if (c == '?') {
                    pos += 2;
                    skip("?>");
                } else if (c == '!') {
                    int d = peek(2, "in a declaration");
                    pos += 3;
                    if (d != '-' && (d != '[' || header)) {
                        throw forbidden(XMLStreamConstants.DTD);
                    }
                    skip(d == '-' ? "-->" : "]]>");
                } else {
                    state = TEXT;
                    size = depth = 0;
                    headerOnly = header;
                    done = tooLarge = false;
                    failure = null;
                    return true;
                }
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            } else if (done) {
                throw new IOException("the XML parser read past the end of a stanza");
            } else if (size == maxBytes) {
                tooLarge = true; // not a failure of the connection: the stream goes on
                throw new IOException("the stanza is larger than max-stanza-size (" + maxBytes + " bytes)");
            }
            try {
                peek(0, "inside an element");
                int from = pos;
                scan(Math.min(limit, pos + (int) Math.min(len, maxBytes - size)));
                System.arraycopy(buf, from, b, off, pos - from);
                total += pos - from;
                return pos - from;
            } catch (IOException e) {
                throw failure = e; // the connection's, or a DTD: the stream ends
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /** Finds the end of the current element without giving it to anyone (one over a limit). */
        void skipRest() throws IOException {
            while (!done) {
                peek(0, "inside an element");
                scan(limit);
            }
            tooLarge |= size > maxBytes;
        }

        /** Moves {@link #pos} towards {@code to}, stopping just after the current element's end. */
        private void scan(int to) throws IOException {
            int from = pos;
            while (pos < to && !done) {
                int b = buf[pos++];
                switch (state) {
                    case TEXT -> {
                        if (b == '<') {
                            state = OPEN;
                        } else {
                            find('<', to); // text: in runs
                        }
                    }
                    case OPEN -> {
                        state = b == '/' ? END_TAG : b == '!' ? BANG : START_TAG;
                        if (b == '?') {
                            special("?>");
                        } else if (state == START_TAG) {
                            last = 0;
                            pos--; // the name's first byte is the tag's
                        }
                    }
                    case START_TAG -> { // quoted values may hold any of '/', '>', '<'
                        if (b == '\'' || b == '"') {
                            quote = b;
                            state = QUOTED;
                        } else if (b == '>') {
                            depth += last == '/' ? 0 : 1;
                            state = TEXT;
                            done = depth == 0 || headerOnly;
                        }
                        last = b;
                    }
                    case QUOTED -> {
                        if (b == quote) {
                            state = START_TAG;
                        } else {
                            find(quote, to);
                        }
                    }
                    case END_TAG -> {
                        if (b == '>') {
                            state = TEXT;
                            done = --depth == 0;
                        } else {
                            find('>', to);
                        }
                    }
                    case BANG -> {
                        if (b != '-' && b != '[') {
                            throw forbidden(XMLStreamConstants.DTD);
                        }
                        special(b == '-' ? "-->" : "]]>");
                    }
                    default -> {
                        matched = advance(terminator, matched, b);
                        state = matched == terminator.length() ? TEXT : SPECIAL;
                    }
                }
            }
            size += pos - from;
        }

        /**
         * How much of {@code end} has been seen after byte {@code b}. Every end looked for here
         * (">", "?>", "-->", "]]>") is a run of one character and then '>', so one more of that
         * character keeps what was seen: "]]]>" ends a CDATA section whose text ends in ']' (XML
         * 1.0, 2.7).
         */
        private static int advance(String end, int matched, int b) {
            return b == end.charAt(matched) ? matched + 1 : (b == end.charAt(0) ? matched : 0);
        }

        private void find(int stop, int to) {
            while (pos < to && buf[pos] != stop) {
                pos++;
            }
        }

        private void special(String end) {
            state = SPECIAL;
            terminator = end;
            matched = 0;
        }

        /** Skips input up to and including {@code end}. */
        private void skip(String end) throws IOException {
            for (int m = 0; m < end.length(); pos++) {
                int b = peek(0, "between stanzas");
                m = advance(end, m, b);
            }
        }

        /** The byte {@code ahead} places after {@link #pos}, reading (and keeping what is unread) as needed. */
        private int peek(int ahead, String where) throws IOException {
            while (pos + ahead >= limit) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    throw new EOFException("the connection ended " + where);
                }
                limit += n;
            }
            return buf[pos + ahead] & 0xff;
        }
    }
}
