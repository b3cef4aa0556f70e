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
 * the parsed events: a stanza over one is read to its end and not kept. Size needs more, since
 * no parser can go on after refusing input: a small {@link Framer} finds where each stanza ends on
 * the raw bytes (tags, quoted values, comments, CDATA) and hands the parser only stanzas within
 * {@code max-stanza-size}; a larger one is skipped to its end unparsed and unkept. Either way the
 * stanza goes to the {@code refused} callback with its own start tag, so that a request can still
 * be answered, and the stream goes on.
 *
 * <p>The parser is replaced every {@link #RECYCLE_BYTES} (at a stanza boundary), with its factory:
 * what a parser keeps over a document, such as the table of every name it has seen, stays bounded.
 *
 * <p>Used by one thread at a time.
 */
final class StanzaReader implements AutoCloseable {
    /** Input after which the parser is replaced by a fresh one (at the next stanza boundary), in bytes. */
    static final int RECYCLE_BYTES = 8 * 1024 * 1024;

    /** The synthetic root the long-lived parser reads stanzas inside (the real header is parsed apart). */
    private static final byte[] ROOT = "<stanzas>".getBytes(StandardCharsets.US_ASCII);

    private final Framer framer;
    private final StanzaLimits limits;
    private final Consumer<StanzaLimits.Refused> refused;
    /** The elements open inside the one being read; reused from stanza to stanza. */
    private final ArrayDeque<XmlElement.Builder> open = new ArrayDeque<>();
    private final FrameInput frames = new FrameInput();
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
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
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
        StanzaReader parser = new StanzaReader(InputStream.nullInputStream(), StanzaLimits.UNLIMITED, r -> { });
        try {
            parser.reader = factory().createXMLStreamReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            XmlElement element = parser.readContent(parser.firstStart());
            while (parser.reader.hasNext()) {
                if (parser.reader.next() == XMLStreamConstants.START_ELEMENT) {
                    throw new IllegalArgumentException("more than one element in: " + xml);
                }
            }
            return element;
        } catch (IOException | XMLStreamException e) {
            throw new IllegalArgumentException("not a well-formed element: " + e.getMessage(), e);
        } finally {
            parser.close();
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
            switch (framer.next()) {
                case Framer.END -> ended = true;
                case Framer.TOO_LARGE -> refused.accept(new StanzaLimits.Refused(framer.topTagEnd > 0
                        ? startTagElement(framer.frame, framer.topTagEnd) : null, firstViolation(framer.frame, framer.frameLength)));
                default -> {
                    XmlElement stanza = null;
                    try {
                        stanza = parseFrame(framer.frame, framer.frameLength);
                    } catch (IOException e) {
                        if (violation == null) {
                            throw e;
                        }
                        // Over a limit before it went wrong: refused like any other (the frame is whole).
                    }
                    if (violation == null) {
                        return stanza;
                    }
                    refused.accept(new StanzaLimits.Refused(stanza != null ? stanza.withoutContent()
                            : framer.topTagEnd > 0 ? startTagElement(framer.frame, framer.topTagEnd) : null, violation));
                }
            }
        }
        return null;
    }

    /** Parses one framed stanza with the long-lived parser (replaced now and then, see the class comment). */
    private XmlElement parseFrame(byte[] bytes, int length) throws IOException {
        try {
            if (reader == null || frames.total > RECYCLE_BYTES) {
                close();
                frames.total = 0;
                frames.set(ROOT, ROOT.length);
                reader = factory().createXMLStreamReader(frames, "UTF-8");
                firstStart();
            }
            frames.set(bytes, length);
            violation = null;
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
            throw e instanceof IOException io ? io : new IOException("malformed XML: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    /**
     * The limit a stanza over the size went over first: another one, if its first
     * {@code max-stanza-size} bytes (all that was kept of it) already went over it; else the size.
     */
    private StanzaLimits.Violation firstViolation(byte[] prefix, int length) {
        StanzaReader probe = new StanzaReader(InputStream.nullInputStream(), limits, r -> { });
        try {
            probe.reader = factory().createXMLStreamReader(new ByteArrayInputStream(prefix, 0, length));
            probe.readContent(probe.firstStart());
        } catch (XMLStreamException | IOException | RuntimeException cut) {
            // where the stanza was cut off, or not well-formed: the events before it are what counts
        } finally {
            probe.close();
        }
        return probe.violation != null ? probe.violation : StanzaLimits.Violation.TOO_LARGE;
    }

    /** A start tag's bytes as an element without content, or null when they are not well-formed. */
    private static XmlElement startTagElement(byte[] bytes, int length) {
        // <name attr='v'> becomes <name attr='v'/>: a document of its own.
        boolean selfClosed = length >= 2 && bytes[length - 2] == '/';
        byte[] doc = Arrays.copyOf(bytes, selfClosed ? length : length + 1);
        if (!selfClosed) {
            doc[length - 1] = '/';
            doc[length] = '>';
        }
        StanzaReader one = new StanzaReader(InputStream.nullInputStream(), StanzaLimits.UNLIMITED, r -> { });
        try {
            one.reader = factory().createXMLStreamReader(new ByteArrayInputStream(doc));
            return one.firstStart().build();
        } catch (XMLStreamException | IOException | RuntimeException e) {
            return null;
        } finally {
            one.close();
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
        ArrayDeque<XmlElement.Builder> open = this.open;
        open.clear();
        open.push(top);
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    XmlElement.Builder child = start();
                    if (open.size() >= limits.maxDepth()) {
                        over(StanzaLimits.Violation.TOO_DEEP);
                    }
                    open.push(child);
                }
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
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
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
     * Finds where each top-level element ends, on the raw bytes, and holds it to the size limit.
     * UTF-8 never uses a byte below 0x80 inside a multi-byte character, so looking for
     * {@code < > / ' " ! ?} byte by byte is exact. Well-formedness is the parser's job; this only
     * has to agree with it on where a well-formed element ends.
     */
    static final class Framer {
        static final int ELEMENT = 0;
        static final int TOO_LARGE = 1;
        static final int END = 2;

        private final InputStream in;
        private final int maxBytes;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int limit;

        /** The current element's bytes (up to {@code frameLength}); reused, grown up to the size limit. */
        byte[] frame = new byte[4096];
        int frameLength;
        /** Where the top-level start tag ends in {@link #frame} (exclusive), or -1 while it is incomplete or was not kept. */
        int topTagEnd;
        /** The element outgrew the size limit: nothing more of it is kept. */
        private boolean tooLarge;

        Framer(InputStream in, int maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        /** Reads the prolog and the root start tag; returns the tag's bytes. */
        byte[] header() throws IOException {
            while (true) {
                if (skipSpace() != '<') {
                    throw new IOException("malformed XML: text before the stream header");
                }
                int c = peek("before the stream header");
                if (c == '?') {
                    skipUntil("?>");
                } else if (c == '!') {
                    skipBang(true);
                } else {
                    beginFrame();
                    if (startTag()) {
                        throw new IOException("malformed XML: the stream header closes itself");
                    }
                    if (tooLarge) {
                        throw new IOException("the stream header is larger than max-stanza-size (" + maxBytes + " bytes)");
                    }
                    return Arrays.copyOf(frame, frameLength);
                }
            }
        }

        /** Frames the next top-level element: {@link #ELEMENT}, {@link #TOO_LARGE} or {@link #END} of the stream. */
        int next() throws IOException {
            while (true) {
                if (skipSpace() != '<') {
                    continue; // stray text between stanzas carries nothing
                }
                int c = peek("between stanzas");
                if (c == '/') {
                    skipUntil(">");
                    return END;
                } else if (c == '?') {
                    skipUntil("?>");
                } else if (c == '!') {
                    skipBang(false);
                } else {
                    beginFrame();
                    int depth = startTag() ? 0 : 1;
                    topTagEnd = tooLarge ? -1 : frameLength;
                    while (depth > 0) {
                        depth = content(depth);
                    }
                    return tooLarge ? TOO_LARGE : ELEMENT;
                }
            }
        }

        private void beginFrame() {
            frameLength = 0;
            topTagEnd = -1;
            tooLarge = false;
            frame[frameLength++] = '<'; // read already (max-stanza-size is at least 1024)
        }

        /** Keeps {@code buf[from, to)} in the frame, up to the size limit. */
        private void keep(int from, int to) {
            if (tooLarge) {
                return;
            }
            int n = to - from;
            if (frameLength + n > maxBytes) {
                tooLarge = true;
                n = maxBytes - frameLength; // the first max-stanza-size bytes are kept (see firstViolation)
            }
            if (frameLength + n > frame.length) {
                frame = Arrays.copyOf(frame, Math.min(maxBytes, Math.max(frameLength + n, frame.length * 2)));
            }
            System.arraycopy(buf, from, frame, frameLength, n);
            frameLength += n;
        }

        /**
         * Copies input up to and including the next {@code stop} byte into the frame, a buffer's
         * run at a time (text and attribute values: most of a stanza).
         */
        private void copyTo(int stop, String where) throws IOException {
            while (true) {
                if (pos == limit && !fill()) {
                    throw new EOFException("the connection ended " + where);
                }
                int i = pos;
                while (i < limit && buf[i] != stop) {
                    i++;
                }
                boolean found = i < limit;
                int end = found ? i + 1 : limit;
                keep(pos, end);
                pos = end;
                if (found) {
                    return;
                }
            }
        }

        /** Reads a start tag after its {@code <}; returns whether it closes itself ({@code <name/>}). */
        private boolean startTag() throws IOException {
            int last = 0;
            while (true) {
                int b = read("inside a start tag");
                keep(pos - 1, pos);
                if (b == '\'' || b == '"') {
                    copyTo(b, "inside an attribute value");
                } else if (b == '>') {
                    return last == '/';
                }
                last = b;
            }
        }

        /** Reads content at {@code depth} up to and including the next tag; returns the depth after it. */
        private int content(int depth) throws IOException {
            copyTo('<', "inside an element"); // text, copied in runs
            int c = read("inside an element");
            keep(pos - 1, pos);
            if (c == '/') {
                copyTo('>', "inside an end tag");
                return depth - 1;
            }
            if (c == '!') {
                int d = read("inside an element");
                keep(pos - 1, pos);
                if (d == '-') {
                    copyUntil("-->");
                } else if (d == '[') {
                    copyUntil("]]>");
                } else {
                    throw forbiddenDtd();
                }
                return depth;
            }
            if (c == '?') {
                copyUntil("?>");
                return depth;
            }
            return startTag() ? depth : depth + 1;
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
            until(end, true);
        }

        private void skipUntil(String end) throws IOException {
            until(end, false);
        }

        private void until(String end, boolean copy) throws IOException {
            int matched = 0;
            while (matched < end.length()) {
                int b = read(copy ? "inside an element" : "between stanzas");
                if (copy) {
                    keep(pos - 1, pos);
                }
                matched = b == end.charAt(matched) ? matched + 1 : (b == end.charAt(0) ? 1 : 0);
            }
        }

        /** The next byte that is not whitespace. */
        private int skipSpace() throws IOException {
            while (true) {
                int b = read("without closing the stream");
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    return b;
                }
            }
        }

        private int peek(String where) throws IOException {
            int b = read(where);
            pos--;
            return b;
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
