package io.clientproxy.standalone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable XML element as it came off a namespace-unaware parser: the qualified name as
 * written ({@code stream:error}, {@code q:query}), the attributes in document order, namespace
 * declarations included ({@code xmlns}, {@code xmlns:q}), and the content in order. Writing it
 * out again gives back the same infoset without knowing anything about namespaces, which is all
 * a proxy needs: it only ever replaces {@code from} and {@code to}. Immutable, so the core may
 * hold a received stanza while other threads copy it.
 *
 * <p>The attributes are one array of name/value pairs: a stanza has a handful, and the hot path
 * (parse, look up {@code from}/{@code to}/{@code type}/{@code id}, copy with new addresses,
 * write) then costs no map nodes, no hashing and no copies of maps.
 */
public final class XmlElement implements XmlNode {
    private static final String[] NO_ATTRIBUTES = new String[0];

    private final String name;
    /** name0, value0, name1, value1, ... in document order; names unique; never modified. */
    private final String[] attributes;
    private final List<XmlNode> children;
    /** The read-only map of {@link #attributes}, made when first asked for. */
    private Map<String, String> attributeMap;

    private XmlElement(String name, String[] attributes, List<XmlNode> children) {
        this.name = name;
        this.attributes = attributes;
        this.children = children;
    }

    public static Builder builder(String name) {
        return new Builder(name, 0);
    }

    /** A builder with room for {@code attributes} attributes (the parser knows how many come). */
    static Builder builder(String name, int attributes) {
        return new Builder(name, attributes);
    }

    /**
     * Parses one element from a string, with the same parser settings as the stream (no DTDs, no
     * external entities: RFC 6120 11.1).
     *
     * @throws IllegalArgumentException if the text is not one well-formed element
     */
    public static XmlElement parse(String xml) {
        return StanzaReader.parseElement(xml);
    }

    /** The qualified name as written, prefix included. */
    public String name() {
        return name;
    }

    /** The attribute's value, or null when absent; {@code name} is the qualified name ({@code xml:lang}). */
    public String attribute(String name) {
        int at = indexOf(attributes, attributes.length, name);
        return at < 0 ? null : attributes[at + 1];
    }

    /** All attributes in document order (read-only); made when first asked for (not on the hot path). */
    public Map<String, String> attributes() {
        Map<String, String> m = attributeMap;
        if (m == null) {
            LinkedHashMap<String, String> copy = new LinkedHashMap<>();
            for (int i = 0; i < attributes.length; i += 2) {
                copy.put(attributes[i], attributes[i + 1]);
            }
            // A benign race: two threads may each make one; they are equal and immutable.
            attributeMap = m = Collections.unmodifiableMap(copy);
        }
        return m;
    }

    private static int indexOf(String[] pairs, int length, String name) {
        int i = 0;
        while (i < length && !pairs[i].equals(name)) {
            i += 2;
        }
        return i < length ? i : -1;
    }

    /** Child elements and text, in document order (read-only). */
    public List<XmlNode> children() {
        return children;
    }

    /** The child elements only. */
    public List<XmlElement> elements() {
        List<XmlElement> out = new ArrayList<>(children.size());
        for (XmlNode n : children) {
            if (n instanceof XmlElement e) {
                out.add(e);
            }
        }
        return out;
    }

    public int elementCount() {
        int count = 0;
        for (int i = 0; i < children.size(); i++) { // by index: no iterator on the hot path
            count += children.get(i) instanceof XmlElement ? 1 : 0;
        }
        return count;
    }

    /** The first child element with this qualified name, or null. */
    public XmlElement element(String name) {
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i) instanceof XmlElement e && e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** The prefix of the qualified name, or null ({@code q} for {@code q:query}). */
    public String prefix() {
        int colon = name.indexOf(':');
        return colon < 0 ? null : name.substring(0, colon);
    }

    /**
     * The namespace this element declares for its own name ({@code xmlns} or {@code xmlns:prefix}),
     * or null when it inherits it; see {@link #namespaceIn(XmlElement)}.
     */
    public String declaredNamespace() {
        return attribute(declaration());
    }

    /** The attribute that declares this element's prefix ({@code xmlns:q}), or the default namespace. */
    private String declaration() {
        String prefix = prefix();
        return prefix == null ? "xmlns" : "xmlns:" + prefix;
    }

    /**
     * The namespace of this element as a child of {@code parent}: its own declaration, else the
     * parent's declaration of the same prefix (or default namespace). Declarations further up
     * (on the stream header) are not consulted: stanza payloads declare their namespace.
     */
    public String namespaceIn(XmlElement parent) {
        String declaration = declaration();
        String own = attribute(declaration);
        return own != null || parent == null ? own : parent.attribute(declaration);
    }

    /** The text directly inside this element (not inside children), concatenated; "" when none. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (XmlNode n : children) {
            if (n instanceof XmlText t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /**
     * A copy with one attribute set (kept in its place if present, else added last), or removed
     * when {@code value} is null. The content is shared, not copied: it is immutable.
     */
    public XmlElement withAttribute(String name, String value) {
        int at = indexOf(attributes, attributes.length, Objects.requireNonNull(name, "name"));
        String[] copy = attributes;
        if (value == null && at >= 0) {
            copy = new String[attributes.length - 2];
            System.arraycopy(attributes, 0, copy, 0, at);
            System.arraycopy(attributes, at + 2, copy, at, copy.length - at);
        } else if (value != null) {
            at = at < 0 ? attributes.length : at;
            copy = Arrays.copyOf(attributes, Math.max(attributes.length, at + 2));
            copy[at] = name;
            copy[at + 1] = value;
        }
        return new XmlElement(this.name, copy, children);
    }

    /** A copy with the same name and attributes and no content (a stanza's start tag). */
    XmlElement withoutContent() {
        return new XmlElement(name, attributes, List.of());
    }

    /** A copy with {@code child} added after the existing content (shared, not copied: it is immutable). */
    public XmlElement withChild(XmlNode child) {
        List<XmlNode> content = new ArrayList<>(children);
        content.add(Objects.requireNonNull(child, "child"));
        return new XmlElement(name, attributes, List.copyOf(content));
    }

    /** This element as XML text, escaped; empty elements are written {@code <name/>}. */
    public String toXml() {
        StringBuilder sb = new StringBuilder(256);
        appendTo(sb);
        return sb.toString();
    }

    @Override
    public void appendTo(StringBuilder out) {
        out.append('<').append(name);
        for (int i = 0; i < attributes.length; i += 2) {
            out.append(' ').append(attributes[i]).append("=\"");
            XmlEscape.append(attributes[i + 1], true, out);
            out.append('"');
        }
        if (children.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (int i = 0, size = children.size(); i < size; i++) {
            children.get(i).appendTo(out);
        }
        out.append("</").append(name).append('>');
    }

    /** Equal name, equal attributes (as maps: order does not matter) and equal content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof XmlElement other && name.equals(other.name)
                && attributes().equals(other.attributes()) && children.equals(other.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, attributes(), children);
    }

    @Override
    public String toString() {
        return toXml();
    }

    /** Builds an element; adjacent text is merged into one node. Used again after {@link #build}, it goes on from where it was. */
    public static final class Builder {
        private final String name;
        private String[] attributes;
        private int attributeLength;
        /** The array went into a built element as it is: copy it before changing it. */
        private boolean shared;
        /** Immutable while it holds one node (a payload, a text: the usual), then a list of its own. */
        private List<XmlNode> children = List.of();
        /** Text not yet closed by a child or the end: a String, a StringBuilder from a second piece on. */
        private CharSequence text;

        private Builder(String name, int attributes) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("an element needs a name");
            }
            this.name = name;
            this.attributes = attributes <= 0 ? NO_ATTRIBUTES : new String[2 * attributes];
        }

        /** Sets an attribute (a new one goes last, an existing one keeps its place); a null value leaves it out. */
        public Builder attribute(String name, String value) {
            int at = indexOf(attributes, attributeLength, Objects.requireNonNull(name, "name"));
            if (value != null && at >= 0) {
                unshare();
                attributes[at + 1] = value;
            } else if (value != null) {
                parsedAttribute(name, value);
            }
            return this;
        }

        /**
         * Adds an attribute the parser has read. The parser has refused an element that repeats
         * an attribute (XML 1.0, well-formedness constraint Unique Att Spec), so there is no need
         * to look for an earlier one of the same name.
         */
        Builder parsedAttribute(String name, String value) {
            unshare();
            if (attributeLength == attributes.length) {
                attributes = Arrays.copyOf(attributes, Math.max(8, attributeLength * 2));
            }
            attributes[attributeLength++] = name;
            attributes[attributeLength++] = value;
            return this;
        }

        private void unshare() {
            if (shared) {
                attributes = attributes.clone();
                shared = false;
            }
        }

        public Builder child(XmlElement child) {
            closeText();
            add(Objects.requireNonNull(child, "child"));
            return this;
        }

        public Builder text(CharSequence text) {
            return text == null ? this : text(text.toString());
        }

        Builder text(char[] chars, int start, int length) {
            return length == 0 ? this : text(new String(chars, start, length));
        }

        // A parser hands text over in pieces, mostly one: no StringBuilder for that one.
        private Builder text(String piece) {
            if (!piece.isEmpty()) {
                text = text == null ? piece : (text instanceof StringBuilder sb ? sb : new StringBuilder(text)).append(piece);
            }
            return this;
        }

        private void closeText() {
            if (text != null) {
                add(new XmlText(text.toString()));
                text = null;
            }
        }

        private void add(XmlNode node) {
            if (children.isEmpty()) {
                children = List.of(node);
            } else {
                children = children instanceof ArrayList ? children : new ArrayList<>(children);
                children.add(node);
            }
        }

        public XmlElement build() {
            closeText();
            String[] pairs = attributes;
            if (attributeLength == 0) {
                pairs = NO_ATTRIBUTES;
            } else if (attributeLength == attributes.length) {
                shared = true; // the usual case when parsing: exactly the size announced
            } else {
                pairs = Arrays.copyOf(attributes, attributeLength);
            }
            return new XmlElement(name, pairs, children instanceof ArrayList ? List.copyOf(children) : children);
        }
    }
}
