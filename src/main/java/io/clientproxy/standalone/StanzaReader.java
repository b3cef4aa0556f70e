package io.clientproxy.standalone;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an XMPP stream with the JDK's StAX parser: first the stream header, then one top-level
 * element at a time, each handed over as soon as its end tag has arrived (the parser does not
 * wait for more input than that).
 *
 * <p>The parser is namespace-unaware so that prefixes and {@code xmlns} declarations reach
 * {@link XmlElement} as plain names and attributes. DTDs are refused and external entities are
 * never resolved: XMPP forbids both (RFC 6120 11.1), and they are the classic XML attacks.
 *
 * <p>Used by one thread at a time.
 */
final class StanzaReader implements AutoCloseable {
    private final EofWatch input;
    private final XMLStreamReader reader;
    /** The elements open inside the one being read; reused from stanza to stanza. */
    private final Deque<XmlElement.Builder> open = new ArrayDeque<>();
    private boolean ended;

    StanzaReader(InputStream in) throws IOException {
        this.input = new EofWatch(in);
        try {
            this.reader = factory().createXMLStreamReader(input, "UTF-8");
        } catch (XMLStreamException e) {
            throw failure(e);
        }
    }

    static XMLInputFactory factory() {
        // The JDK's own implementation: no other StAX provider on the class path can change behaviour.
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        return f;
    }

    /** Parses a string holding exactly one element (tests, tools). */
    static XmlElement parseElement(String xml) {
        try (StanzaReader r = new StanzaReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))) {
            XmlElement.Builder root = r.rootStart();
            XmlElement element = r.readContent(root);
            while (r.reader.hasNext()) {
                int event = r.reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
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
     */
    XmlElement readHeader() throws IOException {
        try {
            return rootStart().build();
        } catch (XMLStreamException e) {
            throw failure(e);
        }
    }

    /**
     * The next complete top-level element inside the root, or null once the root has been closed
     * ({@code </stream:stream>}). Whitespace between elements (keepalives) is skipped.
     *
     * @throws EOFException when the connection ends inside the stream
     */
    XmlElement next() throws IOException {
        if (ended) {
            return null;
        }
        try {
            while (true) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        return readContent(start());
                    }
                    case XMLStreamConstants.END_ELEMENT, XMLStreamConstants.END_DOCUMENT -> {
                        ended = true;
                        return null;
                    }
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE,
                            XMLStreamConstants.ENTITY_DECLARATION -> throw forbidden(event);
                    default -> {
                        // whitespace keepalives, comments, processing instructions: nothing to deliver
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw failure(e);
        }
    }

    private XmlElement.Builder rootStart() throws XMLStreamException, IOException {
        while (true) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return start();
            }
            if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw forbidden(event);
            }
            if (event == XMLStreamConstants.END_DOCUMENT) {
                throw new EOFException("the connection ended before the stream header");
            }
        }
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

    /** Turns a parser failure into the I/O failure behind it, or says the XML was malformed. */
    private IOException failure(XMLStreamException e) {
        Throwable t = e;
        for (int i = 0; t != null && i < 10; i++) {
            if (t instanceof IOException io) {
                return io;
            }
            t = t.getCause() != null ? t.getCause() : t instanceof XMLStreamException x ? x.getNestedException() : null;
        }
        if (input.atEof) {
            return new EOFException("the connection ended without closing the stream");
        }
        return new IOException("malformed XML: " + e.getMessage().replace('\n', ' '), e);
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (XMLStreamException e) {
            // the socket is closed by its owner; nothing else to release
        }
    }

    /** Remembers that the input ended, to tell a closed connection from malformed XML. */
    private static final class EofWatch extends FilterInputStream {
        volatile boolean atEof;

        EofWatch(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            atEof |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            atEof |= n < 0;
            return n;
        }
    }
}
