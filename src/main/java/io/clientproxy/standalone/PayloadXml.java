package io.clientproxy.standalone;

import io.clientproxy.core.Payload;
import java.util.Map;

/** Converts between the core's {@link Payload} and {@link XmlElement}, namespaces included. */
final class PayloadXml {
    private PayloadXml() {
    }

    static XmlElement toElement(Payload p) {
        XmlElement.Builder b = XmlElement.builder(p.name()).attribute("xmlns", p.namespace());
        for (Map.Entry<String, String> a : p.attributes().entrySet()) {
            b.attribute(a.getKey(), a.getValue());
        }
        b.text(p.text());
        for (Payload child : p.children()) {
            b.child(toElement(child));
        }
        return b.build();
    }

    /**
     * The payload of {@code e}, a child of {@code parent}: prefixes are resolved into the
     * namespace (a payload has none), namespace declarations are not carried as attributes.
     */
    static Payload fromElement(XmlElement e, XmlElement parent) {
        String name = e.prefix() == null ? e.name() : e.name().substring(e.prefix().length() + 1);
        String namespace = e.prefix() == null ? e.declaredNamespace() : e.namespaceIn(parent);
        Payload p = Payload.of(name, namespace);
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            String key = a.getKey();
            if (!key.equals("xmlns") && !key.startsWith("xmlns:")) {
                p.attr(key, a.getValue());
            }
        }
        String text = e.text();
        if (!text.isEmpty()) {
            p.text(text);
        }
        for (XmlElement child : e.elements()) {
            p.add(fromElement(child, e));
        }
        return p;
    }
}
