package io.clientproxy.standalone;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable XML element as it came off a namespace-unaware parser: the qualified name as
 * written ({@code stream:error}, {@code q:query}), the attributes in document order, namespace
 * declarations included ({@code xmlns}, {@code xmlns:q}), and the content in order. Writing it
 * out again therefore gives back the same infoset without knowing anything about namespaces,
 * which is all a proxy needs: it only ever replaces {@code from} and {@code to}.
 *
 * <p>Immutable, so the core may hold a received stanza while other threads copy it.
 */
public final class XmlElement implements XmlNode {
    private final String name;
    private final Map<String, String> attributes;
    private final List<XmlNode> children;

    private XmlElement(String name, Map<String, String> attributes, List<XmlNode> children) {
        this.name = name;
        this.attributes = attributes;
        this.children = children;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Parses one element from a string, with the same parser settings as the stream (no DTDs, no
     * external entities).
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
        return attributes.get(name);
    }

    /** All attributes in document order (read-only). */
    public Map<String, String> attributes() {
        return attributes;
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
        for (XmlNode n : children) {
            if (n instanceof XmlElement) {
                count++;
            }
        }
        return count;
    }

    /** The first child element with this qualified name, or null. */
    public XmlElement element(String name) {
        for (XmlNode n : children) {
            if (n instanceof XmlElement e && e.name.equals(name)) {
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
        String prefix = prefix();
        return attributes.get(prefix == null ? "xmlns" : "xmlns:" + prefix);
    }

    /**
     * The namespace of this element as a child of {@code parent}: its own declaration, else the
     * parent's declaration of the same prefix (or default namespace). Declarations further up
     * (on the stream header) are not consulted: stanza payloads declare their namespace.
     */
    public String namespaceIn(XmlElement parent) {
        String own = declaredNamespace();
        if (own != null || parent == null) {
            return own;
        }
        String prefix = prefix();
        return parent.attributes.get(prefix == null ? "xmlns" : "xmlns:" + prefix);
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
        Objects.requireNonNull(name, "name");
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(attributes);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new XmlElement(this.name, Collections.unmodifiableMap(copy), children);
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
        appendAttributes(out);
        if (children.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (XmlNode child : children) {
            child.appendTo(out);
        }
        out.append("</").append(name).append('>');
    }

    private void appendAttributes(StringBuilder out) {
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            out.append(' ').append(a.getKey()).append("=\"");
            XmlEscape.attribute(a.getValue(), out);
            out.append('"');
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XmlElement other && name.equals(other.name)
                && attributes.equals(other.attributes) && children.equals(other.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, attributes, children);
    }

    @Override
    public String toString() {
        return toXml();
    }

    /** Builds an element; adjacent text is merged into one node. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final LinkedHashMap<String, String> attributes = new LinkedHashMap<>();
        private final List<XmlNode> children = new ArrayList<>();
        /** Text not yet closed by a child or the end: a parser hands text over in many pieces. */
        private final StringBuilder text = new StringBuilder();

        private Builder(String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("an element needs a name");
            }
            this.name = name;
        }

        /** Sets an attribute; a null value leaves it out. */
        public Builder attribute(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value != null) {
                attributes.put(name, value);
            }
            return this;
        }

        public Builder child(XmlElement child) {
            Objects.requireNonNull(child, "child");
            closeText();
            children.add(child);
            return this;
        }

        public Builder text(CharSequence text) {
            if (text != null) {
                this.text.append(text);
            }
            return this;
        }

        Builder text(char[] chars, int start, int length) {
            text.append(chars, start, length);
            return this;
        }

        private void closeText() {
            if (text.length() > 0) {
                children.add(new XmlText(text.toString()));
                text.setLength(0);
            }
        }

        public XmlElement build() {
            closeText();
            return new XmlElement(name,
                    attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes)),
                    children.isEmpty() ? List.of() : List.copyOf(children));
        }
    }
}
