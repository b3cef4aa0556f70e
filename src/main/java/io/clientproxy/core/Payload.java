package io.clientproxy.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An XML element the proxy itself builds or reads (disco answers, ad-hoc commands), in a form
 * that says nothing of any XML library: each adapter converts it to and from its own element type
 * in one place. Text and attribute values are plain (unescaped) strings.
 */
public final class Payload {
    private final String name;
    private final String namespace;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Payload> children = new ArrayList<>();
    private String text;

    public Payload(String name, String namespace) {
        this.name = name;
        this.namespace = namespace;
    }

    public static Payload of(String name, String namespace) {
        return new Payload(name, namespace);
    }

    public Payload attr(String key, String value) {
        if (value != null) {
            attributes.put(key, value);
        }
        return this;
    }

    public Payload add(Payload child) {
        children.add(child);
        return this;
    }

    /** Adds {@code <name>text</name>} in the parent's namespace. */
    public Payload addText(String childName, String childText) {
        return add(new Payload(childName, null).text(childText));
    }

    public Payload text(String text) {
        this.text = text;
        return this;
    }

    public String name() {
        return name;
    }

    /** The namespace declared on this element, or null when it inherits its parent's. */
    public String namespace() {
        return namespace;
    }

    public String attr(String key) {
        return attributes.get(key);
    }

    public Map<String, String> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    public List<Payload> children() {
        return Collections.unmodifiableList(children);
    }

    public String text() {
        return text;
    }

    /** The first child of that name (and namespace, when not null). */
    public Payload child(String childName, String childNamespace) {
        for (Payload c : children) {
            if (c.name.equals(childName) && (childNamespace == null || childNamespace.equals(c.namespace))) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<").append(name);
        if (namespace != null) {
            b.append(" xmlns='").append(namespace).append('\'');
        }
        attributes.forEach((k, v) -> b.append(' ').append(k).append("='").append(v).append('\''));
        if (children.isEmpty() && text == null) {
            return b.append("/>").toString();
        }
        b.append('>');
        if (text != null) {
            b.append(text);
        }
        children.forEach(b::append);
        return b.append("</").append(name).append('>').toString();
    }
}
