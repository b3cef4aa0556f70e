package io.clientproxy.standalone;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an XMPP stream: first the stream header, then one top-level element (stanza) at a time,
 * each handed over as soon as its end tag has arrived (nothing waits for more input than that).
 *
 * <p>Two steps. A small scanner of our own frames each stanza on the raw bytes (tags, quoted
 * attribute values, comments, CDATA) and checks it against the {@link StanzaLimits}: size,
 * nesting depth, attributes per element, name length. A stanza within them is then parsed by the
 * JDK's StAX parser; one over them is skipped to its end without being parsed or kept (memory
 * stays bounded by {@code max-stanza-size}) and reported to the {@code refused} callback with its
 * own start tag, so that a request can still be answered. The stream goes on either way.
 *
 * <p>The parser never sees a stanza we refused, and never sees more than
 * {@link #RECYCLE_BYTES} of input: it is then replaced by a new one at a stanza boundary. The
 * JDK's own limits (the {@code jdk.xml.*} properties, whose defaults differ between JDK versions
 * and count some things over the whole document, such as entity references since JDK 24) are
 * all set explicitly to "no limit", so they cannot end the stream: ours come first and are per
 * stanza, and what the parser accumulates is bounded by the recycling.
 *
 * <p>The parser is namespace-unaware so that prefixes and {@code xmlns} declarations reach
 * {@link XmlElement} as plain names and attributes. DTDs are refused and external entities are
 * never resolved: XMPP forbids both (RFC 6120 11.1), and they are the classic XML attacks.
 *
 * <p>Used by one thread at a time.
 */
final class StanzaReader implements AutoCloseable {
    private static final Logger log = Logger.getLogger(StanzaReader.class.getName());

    /** Input after which the parser is replaced by a fresh one (at the next stanza boundary), in bytes. */
    static final int RECYCLE_BYTES = 8 * 1024 * 1024;

    /**
     * Every security limit of the JDK's XML parser (JDK 17 to 25), set to 0, "no limit": our own
     * per-stanza limits apply before the parser, and the parser is recycled before anything it
     * counts over a document could matter. Names the JDK does not know are ignored by it.
     */
    static final String[] JDK_LIMITS = {
        "jdk.xml.entityExpansionLimit", "jdk.xml.totalEntitySizeLimit", "jdk.xml.maxGeneralEntitySizeLimit",
        "jdk.xml.maxParameterEntitySizeLimit", "jdk.xml.entityReplacementLimit", "jdk.xml.elementAttributeLimit",
        "jdk.xml.maxElementDepth", "jdk.xml.maxXMLNameLimit", "jdk.xml.maxOccurLimit",
    };

    /** The synthetic root the long-lived parser reads stanzas inside (the real header is parsed apart). */
    private static final byte[] ROOT = "<stanzas>".getBytes(StandardCharsets.US_ASCII);
    private static final XMLInputFactory FACTORY = factory();

    private final Framer framer;
    private final Consumer<StanzaLimits.Refused> refused;
    /** The elements open inside the one being read; reused from stanza to stanza. */
    private final Deque<XmlElement.Builder> open = new ArrayDeque<>();
    private FrameInput frames;
    private XMLStreamReader reader;
    private boolean ended;

    StanzaReader(InputStream in) {
        this(in, StanzaLimits.DEFAULTS, r -> { });
    }

    /**
     * @param refused gets each stanza over a limit (on the reading thread, in stream order)
     */
    StanzaReader(InputStream in, StanzaLimits limits, Consumer<StanzaLimits.Refused> refused) {
        this.framer = new Framer(in, limits);
        this.refused = refused;
    }

    static XMLInputFactory factory() {
        // The JDK's own implementation: no other StAX provider on the class path can change behaviour.
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        for (String limit : JDK_LIMITS) {
            try {
                f.setProperty(limit, "0");
            } catch (IllegalArgumentException unknown) {
                log.fine(() -> "this JDK's XML parser has no " + limit);
            }
        }
        return f;
    }

    /** Parses a string holding exactly one element (tests, tools; trusted input, no limits of ours). */
    static XmlElement parseElement(String xml) {
        try {
            XMLStreamReader r = FACTORY.createXMLStreamReader(
                    new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "UTF-8");
            try {
                StanzaReader parser = new StanzaReader(InputStream.nullInputStream());
                parser.reader = r;
                XmlElement element = parser.readContent(parser.firstStart(r));
                while (r.hasNext()) {
                    if (r.next() == XMLStreamConstants.START_ELEMENT) {
                        throw new IllegalArgumentException("more than one element in: " + xml);
                    }
                }
                return element;
            } finally {
                r.close();
            }
        } catch (IOException | XMLStreamException e) {
            throw new IllegalArgumentException("not a well-formed element: " + e.getMessage(), e);
        }
    }

    /**
     * Reads up to the end of the stream's root start tag ({@code <stream:stream ...>}).
     *
     * @return the root element with its attributes and no content
     */
    XmlElement readHeader() throws IOException {
        byte[] tag = framer.header();
        XmlElement header = startTagElement(tag, tag.length);
        if (header == null) {
            throw new IOException("malformed XML in the stream header: "
                    + new String(tag, 0, Math.min(tag.length, 200), StandardCharsets.UTF_8));
        }
        return header;
    }

    /**
     * The next complete top-level element inside the root, or null once the root has been closed
     * ({@code </stream:stream>}). Whitespace between elements (keepalives) is skipped; so are
     * stanzas over a limit, after they have been handed to the {@code refused} callback.
     *
     * @throws EOFException when the connection ends inside the stream
     */
    XmlElement next() throws IOException {
        while (!ended) {
            int kind = framer.next();
            if (kind == Framer.END) {
                ended = true;
                return null;
            }
            if (kind == Framer.REFUSED) {
                StanzaLimits.Refused r = new StanzaLimits.Refused(
                        framer.topTagEnd > 0 ? startTagElement(framer.frame, framer.topTagEnd) : null, framer.violation);
                refused.accept(r);
                continue;
            }
            return parseFrame(framer.frame, framer.frameLength);
        }
        return null;
    }

    /** Parses one framed stanza with the long-lived parser (replaced now and then, see the class comment). */
    private XmlElement parseFrame(byte[] bytes, int length) throws IOException {
        try {
            if (reader == null || frames.total > RECYCLE_BYTES) {
                close();
                frames = new FrameInput();
                frames.set(ROOT, ROOT.length);
                reader = FACTORY.createXMLStreamReader(frames, "UTF-8");
                firstStart(reader);
            }
            frames.set(bytes, length);
            while (true) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    return readContent(start());
                }
                if (event != XMLStreamConstants.SPACE && event != XMLStreamConstants.CHARACTERS
                        && event != XMLStreamConstants.COMMENT && event != XMLStreamConstants.PROCESSING_INSTRUCTION) {
                    throw new IOException("malformed XML: unexpected event " + event + " at a stanza's start");
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            // The parser is left in an unknown state: the next stanza starts a new one.
            close();
            reader = null;
            throw e instanceof IOException io ? io : new IOException("malformed XML: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    /** A start tag's bytes as an element without content, or null when they are not well-formed. */
    private static XmlElement startTagElement(byte[] bytes, int length) {
        // <name attr='v'> becomes <name attr='v'/>: a document of its own.
        int end = length;
        boolean selfClosed = end >= 2 && bytes[end - 2] == '/';
        byte[] doc = Arrays.copyOf(bytes, selfClosed ? end : end + 1);
        if (!selfClosed) {
            doc[end - 1] = '/';
            doc[end] = '>';
        }
        try {
            XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(doc), "UTF-8");
            try {
                StanzaReader one = new StanzaReader(InputStream.nullInputStream());
                one.reader = r;
                return one.firstStart(r).build();
            } finally {
                r.close();
            }
        } catch (XMLStreamException | IOException | RuntimeException e) {
            return null;
        }
    }

    private XmlElement.Builder firstStart(XMLStreamReader r) throws XMLStreamException, IOException {
        while (r.hasNext()) {
            int event = r.next();
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
        Deque<XmlElement.Builder> open = this.open;
        open.clear();
        open.push(top);
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> open.push(start());
                case XMLStreamConstants.END_ELEMENT -> {
                    XmlElement done = open.pop().build();
                    if (open.isEmpty()) {
                        return done;
                    }
                    open.peek().child(done);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        open.peek().text(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE,
                        XMLStreamConstants.ENTITY_DECLARATION -> throw forbidden(event);
                case XMLStreamConstants.END_DOCUMENT -> throw new EOFException("the connection ended inside an element");
                default -> {
                    // comments and processing instructions carry nothing a stanza needs
                }
            }
        }
    }

    private XmlElement.Builder start() {
        int namespaces = reader.getNamespaceCount();
        int attributes = reader.getAttributeCount();
        XmlElement.Builder b = XmlElement.builder(qualified(reader.getPrefix(), reader.getLocalName()),
                namespaces + attributes);
        if (namespaces == 0) {
            // Namespace-unaware, always here: declarations are among the attributes, and the
            // parser has refused repeated attributes, so they go in without a search.
            for (int i = 0; i < attributes; i++) {
                b.parsedAttribute(qualified(reader.getAttributePrefix(i), reader.getAttributeLocalName(i)),
                        reader.getAttributeValue(i));
            }
            return b;
        }
        // Kept for parsers that report declarations apart: they and the attributes may then clash.
        for (int i = 0; i < namespaces; i++) {
            String prefix = reader.getNamespacePrefix(i);
            b.attribute(prefix == null || prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix, reader.getNamespaceURI(i));
        }
        for (int i = 0; i < attributes; i++) {
            b.attribute(qualified(reader.getAttributePrefix(i), reader.getAttributeLocalName(i)), reader.getAttributeValue(i));
        }
        return b;
    }

    private static String qualified(String prefix, String local) {
        return prefix == null || prefix.isEmpty() || local.indexOf(':') >= 0 ? local : prefix + ':' + local;
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
     * What the parser reads: the bytes of the current stanza, nothing more. The parser never asks
     * beyond a stanza's end tag before it is given the next; if it ever did, it gets an error
     * (which ends the stream) rather than a wait on the socket.
     */
    private static final class FrameInput extends InputStream {
        private byte[] bytes = new byte[0];
        private int pos;
        private int end;
        long total;

        void set(byte[] b, int length) {
            bytes = b;
            pos = 0;
            end = length;
            total += length;
        }

        @Override
        public int read() throws IOException {
            if (pos >= end) {
                throw new IOException("the XML parser read past the end of a stanza");
            }
            return bytes[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos >= end) {
                throw new IOException("the XML parser read past the end of a stanza");
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /**
     * Finds where each top-level element ends, on the raw bytes, and holds it against the limits.
     * UTF-8 never uses a byte below 0x80 inside a multi-byte character, so looking for
     * {@code < > / ' " = ! ? - ]} byte by byte is exact. Well-formedness is the parser's job;
     * this only has to agree with it on where a well-formed element ends.
     */
    static final class Framer {
        static final int ELEMENT = 0;
        static final int REFUSED = 1;
        static final int END = 2;

        private final InputStream in;
        private final StanzaLimits limits;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int limit;

        /** The current element's bytes (up to {@code frameLength}); reused, grown up to the size limit. */
        byte[] frame = new byte[4096];
        int frameLength;
        /** Where the top-level start tag ends in {@link #frame} (exclusive), or -1 while it is incomplete or was not kept. */
        int topTagEnd;
        StanzaLimits.Violation violation;
        /** The element outgrew the size limit before its top start tag was complete. */
        private boolean truncated;

        Framer(InputStream in, StanzaLimits limits) {
            this.in = in;
            this.limits = limits;
        }

        /** Reads the prolog and the root start tag; returns the tag's bytes. */
        byte[] header() throws IOException {
            while (true) {
                int b = skipSpace();
                if (b < 0) {
                    throw new EOFException("the connection ended before the stream header");
                }
                if (b != '<') {
                    throw new IOException("malformed XML: text before the stream header");
                }
                int c = peekOrEof("before the stream header");
                if (c == '?') {
                    skipUntil("?>");
                } else if (c == '!') {
                    skipBang(true);
                } else {
                    beginFrame();
                    append('<');
                    int end = startTag(1, true);
                    if (violation != null) {
                        throw new IOException("the stream header is over the limit: " + violation.describe(limits));
                    }
                    if (end == 0) {
                        throw new IOException("malformed XML: the stream header closes itself");
                    }
                    return Arrays.copyOf(frame, frameLength);
                }
            }
        }

        /** Frames the next top-level element: {@link #ELEMENT}, {@link #REFUSED} or {@link #END} of the stream. */
        int next() throws IOException {
            while (true) {
                int b = skipSpace();
                if (b < 0) {
                    throw new EOFException("the connection ended without closing the stream");
                }
                if (b != '<') {
                    continue; // stray text between stanzas carries nothing
                }
                int c = peekOrEof("between stanzas");
                if (c == '/') {
                    skipUntil(">");
                    return END;
                }
                if (c == '?') {
                    skipUntil("?>");
                    continue;
                }
                if (c == '!') {
                    skipBang(false);
                    continue;
                }
                beginFrame();
                append('<');
                int depth = startTag(1, false);
                topTagEnd = truncated ? -1 : frameLength;
                while (depth > 0) {
                    depth = content(depth);
                }
                return violation == null ? ELEMENT : REFUSED;
            }
        }

        private void beginFrame() {
            frameLength = 0;
            topTagEnd = -1;
            violation = null;
            truncated = false;
        }

        private void over(StanzaLimits.Violation v) {
            if (violation == null) {
                violation = v;
            }
        }

        /**
         * Copies input up to and including the next {@code stop} byte into the frame, a buffer's
         * run at a time (text and attribute values: most of a stanza).
         */
        private void skipTo(int stop, String where) throws IOException {
            while (true) {
                if (pos == limit && !fill()) {
                    throw new EOFException("the connection ended " + where);
                }
                int start = pos;
                int end = limit;
                byte[] b = buf;
                int i = start;
                while (i < end && b[i] != stop) {
                    i++;
                }
                boolean found = i < end;
                int stopAt = found ? i + 1 : end;
                appendRun(start, stopAt);
                pos = stopAt;
                if (found) {
                    return;
                }
            }
        }

        /** {@link #append} for {@code buf[from, to)}. */
        private void appendRun(int from, int to) {
            if (violation != null && topTagEnd != -1) {
                return;
            }
            int n = to - from;
            int room = limits.maxBytes() - frameLength;
            if (n > room) {
                appendRun(from, from + room);
                over(StanzaLimits.Violation.TOO_LARGE);
                truncated |= topTagEnd == -1;
                return;
            }
            if (frameLength + n > frame.length) {
                frame = Arrays.copyOf(frame, Math.min(limits.maxBytes(), Math.max(frameLength + n, frame.length * 2)));
            }
            System.arraycopy(buf, from, frame, frameLength, n);
            frameLength += n;
        }

        /** Keeps a byte of the element while nothing is over a limit (or its top start tag is still being read). */
        private void append(int b) {
            if (violation != null && topTagEnd != -1) {
                return;
            }
            if (frameLength >= limits.maxBytes()) {
                over(StanzaLimits.Violation.TOO_LARGE);
                truncated |= topTagEnd == -1;
                return;
            }
            if (frameLength == frame.length) {
                frame = Arrays.copyOf(frame, Math.min(limits.maxBytes(), frame.length * 2));
            }
            frame[frameLength++] = (byte) b;
        }

        /**
         * Reads a start tag after its {@code <}, at {@code depth} (1 for the stanza itself).
         *
         * @return the depth after it: {@code depth} for an open element, one less for an empty one
         */
        private int startTag(int depth, boolean header) throws IOException {
            if (depth > limits.maxDepth()) {
                over(StanzaLimits.Violation.TOO_DEEP);
            }
            int name = 0;
            int attributes = 0;
            int b;
            // element name
            while (true) {
                b = read("inside a start tag");
                if (b == '>' || b == '/' || isSpace(b)) {
                    break;
                }
                append(b);
                if (++name > limits.maxNameLength()) {
                    over(StanzaLimits.Violation.NAME_TOO_LONG);
                }
            }
            int attrName = 0;
            boolean slash = false;
            while (true) {
                if (b == '>') {
                    append(b);
                    return slash ? depth - 1 : depth;
                }
                append(b);
                if (b == '\'' || b == '"') {
                    if (++attributes > limits.maxAttributes()) {
                        over(StanzaLimits.Violation.TOO_MANY_ATTRIBUTES);
                    }
                    skipTo(b, "inside an attribute value");
                    attrName = 0;
                    slash = false;
                } else if (b == '/') {
                    slash = true;
                } else if (b == '=' || isSpace(b)) {
                    attrName = 0;
                } else {
                    slash = false;
                    if (++attrName > limits.maxNameLength()) {
                        over(StanzaLimits.Violation.NAME_TOO_LONG);
                    }
                }
                b = read(header ? "inside the stream header" : "inside a start tag");
            }
        }

        /** Reads content at {@code depth} up to and including the next tag; returns the depth after it. */
        private int content(int depth) throws IOException {
            skipTo('<', "inside an element"); // text, copied in runs
            int c = read("inside an element");
            if (c == '/') {
                append(c);
                int name = 0;
                while ((c = read("inside an end tag")) != '>') {
                    append(c);
                    if (++name > limits.maxNameLength()) {
                        over(StanzaLimits.Violation.NAME_TOO_LONG);
                    }
                }
                append(c);
                return depth - 1;
            }
            if (c == '!') {
                append(c);
                copyBang();
                return depth;
            }
            if (c == '?') {
                append(c);
                copyUntil("?>");
                return depth;
            }
            pos--; // the name's first byte
            return startTag(depth + 1, false);
        }

        /** After {@code <!} inside an element: a comment or CDATA section, kept in the frame. */
        private void copyBang() throws IOException {
            int c = read("inside an element");
            append(c);
            if (c == '-') {
                copyUntil("-->");
            } else if (c == '[') {
                copyUntil("]]>");
            } else {
                throw forbiddenDtd();
            }
        }

        /** After {@code <} outside any element: a comment, or a DTD, which XMPP forbids. */
        private void skipBang(boolean prolog) throws IOException {
            pos++; // the '!'
            int c = read("in a declaration");
            if (c == '-') {
                skipUntil("-->");
            } else if (c == '[' && !prolog) {
                skipUntil("]]>");
            } else {
                throw forbiddenDtd();
            }
        }

        private static IOException forbiddenDtd() {
            return new IOException("the peer sent a DTD, which XMPP forbids (RFC 6120 11.1)");
        }

        private void copyUntil(String end) throws IOException {
            int matched = 0;
            while (matched < end.length()) {
                int b = read("inside an element");
                append(b);
                matched = b == end.charAt(matched) ? matched + 1 : (b == end.charAt(0) ? 1 : 0);
            }
        }

        private void skipUntil(String end) throws IOException {
            int matched = 0;
            while (matched < end.length()) {
                int b = read("between stanzas");
                matched = b == end.charAt(matched) ? matched + 1 : (b == end.charAt(0) ? 1 : 0);
            }
        }

        private static boolean isSpace(int b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }

        /** The next byte that is not whitespace, or -1 at the end of input. */
        private int skipSpace() throws IOException {
            while (true) {
                if (pos == limit && !fill()) {
                    return -1;
                }
                int b = buf[pos++];
                if (!isSpace(b)) {
                    return b & 0xff;
                }
            }
        }

        private int peekOrEof(String where) throws IOException {
            if (pos == limit && !fill()) {
                throw new EOFException("the connection ended " + where);
            }
            return buf[pos] & 0xff;
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
            if (n < 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }
    }

}
