package io.clientproxy.standalone;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
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
 * the parsed events: a stanza over one is read to its end and not kept. Size needs more: a parser
 * keeps a whole start tag (every attribute value, every name) before it reports it, and cannot go
 * on once it has refused input, so it could neither skip an oversized start tag nor bound the
 * memory it takes. A small {@link Framer} finds where each stanza ends on the raw bytes and hands
 * the parser only stanzas within {@code max-stanza-size}; a larger one is skipped to its end
 * unparsed, its first {@code max-stanza-size} bytes kept to name the limit it went over first.
 * Either way the stanza goes to the {@code refused} callback with its own start tag, so that a
 * request can still be answered, and the stream goes on.
 *
 * <p>The parser is replaced every {@link #RECYCLE_BYTES} (at a stanza boundary): its table of
 * every name it has seen grows for as long as one document lasts.
 *
 * <p>Used by one thread at a time.
 */
final class StanzaReader implements AutoCloseable {
    /** Input after which the parser is replaced by a fresh one (at the next stanza boundary), in bytes. */
    static final int RECYCLE_BYTES = 8 * 1024 * 1024;

    private final Framer framer;
    private final StanzaLimits limits;
    private final Consumer<StanzaLimits.Refused> refused;
    /** The elements open inside the stanza being read, the stanza itself last; reused. */
    private final ArrayDeque<XmlElement.Builder> open = new ArrayDeque<>();
    /** The stream header's start tag: the root each new parser reads stanzas inside. */
    private byte[] root;
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

    private static XMLInputFactory factory() {
        // Woodstox's own class, not XMLInputFactory.newFactory(): nothing on the class path can swap
        // it, and this jar registers no StAX provider for anyone else (Tigase keeps its own).
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // Per element and per text: bounded by the framed stanza itself (max-stanza-size).
        for (String perElement : new String[] {WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT,
                WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, WstxInputProperties.P_MAX_TEXT_LENGTH,
                WstxInputProperties.P_MAX_ELEMENT_DEPTH, WstxInputProperties.P_MAX_CHILDREN_PER_ELEMENT}) {
            f.setProperty(perElement, Integer.MAX_VALUE);
        }
        // Over the whole document: off.
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, Long.MAX_VALUE);
        f.setProperty(WstxInputProperties.P_MAX_CHARACTERS, Long.MAX_VALUE);
        return f;
    }

    /** Parses a string holding exactly one element (tests, tools; trusted input, no limits of ours). */
    static XmlElement parseElement(String xml) {
        try (StanzaReader one = new StanzaReader(InputStream.nullInputStream(), StanzaLimits.UNLIMITED, r -> { })) {
            XmlElement element = one.parseWhole(xml.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
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
        if (framer.next(true) == Framer.TOO_LARGE) {
            throw new IOException("the stream header is larger than max-stanza-size (" + limits.maxBytes() + " bytes)");
        }
        root = Arrays.copyOf(framer.frame, framer.length);
        try {
            return startParser();
        } catch (XMLStreamException | RuntimeException e) {
            throw new IOException("malformed XML in the stream header: "
                    + new String(root, 0, Math.min(root.length, 200), StandardCharsets.UTF_8), e);
        }
    }

    /** A new parser, which reads the stream header again as its root; returns that header. */
    private XmlElement startParser() throws XMLStreamException, IOException {
        close();
        framer.set(root, root.length);
        framer.total = 0;
        reader = factory().createXMLStreamReader(framer, "UTF-8");
        return firstStart().build();
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
            int kind = framer.next(false);
            if (kind == Framer.END) {
                ended = true;
            } else if (kind == Framer.TOO_LARGE) {
                // Its first max-stanza-size bytes, parsed alone: the start tag and any other limit before the cut.
                StanzaReader probe = new StanzaReader(InputStream.nullInputStream(), limits, r -> { });
                XmlElement stanza = probe.refusedStart(framer.frame, framer.length);
                refused.accept(new StanzaLimits.Refused(stanza, probe.violation != null ? probe.violation : StanzaLimits.Violation.TOO_LARGE));
            } else {
                XmlElement stanza = parseFrame();
                if (violation == null) {
                    return stanza;
                }
                refused.accept(new StanzaLimits.Refused(startTag(), violation));
            }
        }
        return null;
    }

    /** Parses the framed stanza with the long-lived parser; on a limit, returns null with {@link #violation} set. */
    private XmlElement parseFrame() throws IOException {
        try {
            if (reader == null || framer.total > RECYCLE_BYTES) {
                startParser();
            }
            framer.set(framer.frame, framer.length);
            violation = null;
            open.clear();
            int event;
            while ((event = reader.next()) != XMLStreamConstants.START_ELEMENT) {
                if (event == XMLStreamConstants.END_ELEMENT || event == XMLStreamConstants.END_DOCUMENT) {
                    throw new XMLStreamException("unexpected event " + event + " at a stanza's start");
                }
            }
            return readContent(start());
        } catch (XMLStreamException | RuntimeException | IOException e) {
            close(); // left in an unknown state: the next stanza starts a new parser
            if (violation != null) {
                return null; // over a limit before it went wrong: refused like any other (the frame is whole)
            }
            throw e instanceof IOException io ? io : new IOException("malformed XML: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    /** Parses {@code length} bytes holding one element (or its beginning) with a parser of its own. */
    private XmlElement parseWhole(byte[] bytes, int length) throws XMLStreamException, IOException {
        reader = factory().createXMLStreamReader(new ByteArrayInputStream(bytes, 0, Math.min(length, bytes.length)));
        return readContent(firstStart());
    }

    /** The start tag of a stanza cut off at {@code length} bytes, or null when it is not within them. */
    private XmlElement refusedStart(byte[] bytes, int length) {
        try {
            parseWhole(bytes, length);
        } catch (XMLStreamException | IOException | RuntimeException cut) {
            // where the stanza was cut off: the events before it are what counts
        } finally {
            close();
        }
        return startTag();
    }

    /** The start tag of the stanza just parsed (the first element opened), or null when none was. */
    private XmlElement startTag() {
        return open.isEmpty() ? null : open.peekLast().build().withoutContent();
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
                case XMLStreamConstants.DTD -> throw forbidden(XMLStreamConstants.DTD);
                case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
                        throw forbidden(XMLStreamConstants.ENTITY_REFERENCE);
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
     * Finds where each top-level element ends, on the raw bytes, and holds it to the size limit;
     * as an input stream it is what the parser reads: the bytes of the current stanza, nothing
     * more (were the parser ever to ask beyond them, it would get an error, which ends the stream,
     * rather than a wait on the socket). UTF-8 never uses a byte below 0x80 inside a multi-byte
     * character, so looking for {@code < > / ' " ! ? - ]} byte by byte is exact. Well-formedness
     * is the parser's job; this only has to agree with it on where a well-formed element ends.
     */
    static final class Framer extends InputStream {
        static final int ELEMENT = 0;
        static final int TOO_LARGE = 1;
        static final int END = 2;

        private final InputStream in;
        private final int maxBytes;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int limit;
        /** The current element's bytes (up to {@code length}); reused, grown up to the size limit. */
        byte[] frame = new byte[4096];
        int length;
        /** The element outgrew the size limit: nothing more of it is kept. */
        private boolean tooLarge;
        /** What the parser reads: {@code source[at, end)}; and how much it has been given since it was new. */
        private byte[] source;
        private int at;
        private int end;
        long total;

        Framer(InputStream in, int maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        /**
         * Frames the next top-level element, skipping what comes before it: {@link #ELEMENT},
         * {@link #TOO_LARGE} or the {@link #END} of the stream; for the stream header, only its
         * start tag.
         */
        int next(boolean header) throws IOException {
            while (true) {
                int b = read("between stanzas");
                if (b != '<') {
                    if (header && b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                        throw new IOException("malformed XML: text before the stream header");
                    }
                    continue; // whitespace (keepalives) or stray text between stanzas carries nothing
                }
                int c = read("between stanzas");
                if (c == '?') {
                    until("?>", false);
                } else if (c == '!') {
                    bang(read("in a declaration"), false, header);
                } else if (c == '/' && !header) {
                    until(">", false);
                    return END;
                } else {
                    length = 0;
                    tooLarge = false;
                    keep('<');
                    keep(c);
                    boolean empty = startTag(c);
                    if (header && empty) {
                        throw new IOException("malformed XML: the stream header closes itself");
                    }
                    for (int depth = empty || header ? 0 : 1; depth > 0; ) {
                        depth = content(depth);
                    }
                    return tooLarge ? TOO_LARGE : ELEMENT;
                }
            }
        }

        /** Copies a start tag after its {@code <} and first byte {@code c}; true when it is {@code <name/>}. */
        private boolean startTag(int c) throws IOException {
            int last = 0;
            while (true) { // quoted values may hold any of '/', '>', '<'
                if (c == '\'' || c == '"') {
                    copyTo(c);
                } else if (c == '>') {
                    return last == '/';
                }
                last = c;
                c = read("inside a start tag");
                keep(c);
            }
        }

        /** Copies content at {@code depth} up to and including the next tag; returns the depth after it. */
        private int content(int depth) throws IOException {
            copyTo('<'); // text, copied in runs
            int c = read("inside an element");
            keep(c);
            if (c == '/') {
                copyTo('>');
                return depth - 1;
            } else if (c == '!') {
                int d = read("inside an element");
                keep(d);
                bang(d, true, false);
                return depth;
            } else if (c == '?') {
                until("?>", true);
                return depth;
            }
            return startTag(c) ? depth : depth + 1;
        }

        /** After {@code <!}: a comment, or a CDATA section inside an element; anything else is a DTD. */
        private void bang(int c, boolean keep, boolean prolog) throws IOException {
            if (c == '-') {
                until("-->", keep);
            } else if (c == '[' && !prolog) {
                until("]]>", keep);
            } else {
                throw new IOException("the peer sent a DTD, which XMPP forbids (RFC 6120 11.1)");
            }
        }

        private void keep(int b) {
            if (length < maxBytes) {
                if (length == frame.length) {
                    frame = Arrays.copyOf(frame, Math.min(maxBytes, length * 2));
                }
                frame[length++] = (byte) b;
            } else {
                tooLarge = true; // the first max-stanza-size bytes stay (see next())
            }
        }

        /** Copies input up to and including the next {@code stop} byte, a buffer's run at a time. */
        private void copyTo(int stop) throws IOException {
            while (true) {
                if (pos == limit && !fill()) {
                    throw new EOFException("the connection ended inside an element");
                }
                int i = pos;
                while (i < limit && buf[i] != stop) {
                    i++;
                }
                int to = i < limit ? i + 1 : limit;
                int n = Math.min(to - pos, maxBytes - length);
                if (length + n > frame.length) {
                    frame = Arrays.copyOf(frame, Math.min(maxBytes, Math.max(length + n, frame.length * 2)));
                }
                System.arraycopy(buf, pos, frame, length, n);
                length += n;
                tooLarge |= n < to - pos;
                pos = to;
                if (i < limit) {
                    return;
                }
            }
        }

        private void until(String end, boolean keep) throws IOException {
            for (int matched = 0; matched < end.length(); ) {
                int b = read(keep ? "inside an element" : "between stanzas");
                if (keep) {
                    keep(b);
                }
                matched = b == end.charAt(matched) ? matched + 1 : (b == end.charAt(0) ? 1 : 0);
            }
        }

        private int read(String where) throws IOException {
            if (pos == limit && !fill()) {
                throw new EOFException("the connection ended " + where);
            }
            return buf[pos++] & 0xff;
        }

        private boolean fill() throws IOException {
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            pos = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }

        /** Gives the parser {@code bytes[0, length)} to read next. */
        void set(byte[] bytes, int length) {
            source = bytes;
            at = 0;
            end = length;
            total += length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (at >= end) {
                throw new IOException("the XML parser read past the end of a stanza");
            }
            int n = Math.min(len, end - at);
            System.arraycopy(source, at, b, off, n);
            at += n;
            return n;
        }
    }
}
