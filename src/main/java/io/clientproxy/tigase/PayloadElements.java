package io.clientproxy.tigase;

import io.clientproxy.core.Payload;
import java.util.List;
import java.util.Map;
import tigase.xml.Element;
import tigase.xml.XMLUtils;

/**
 * Converts the core's {@link Payload} to Tigase elements and back. Tigase's Element keeps
 * attribute values and character data escaped, as they appear in XML, so text is escaped on the
 * way in and unescaped on the way out.
 */
final class PayloadElements {
    private PayloadElements() {
    }

    static Element toElement(Payload p) {
        Element e = Elements.create(p.name());
        if (p.namespace() != null) {
            e.setXMLNS(p.namespace());
        }
        for (Map.Entry<String, String> a : p.attributes().entrySet()) {
            e.setAttribute(a.getKey(), XMLUtils.escape(a.getValue()));
        }
        if (p.text() != null) {
            e.setCData(XMLUtils.escape(p.text()));
        }
        for (Payload c : p.children()) {
            Elements.append(e, toElement(c));
        }
        return e;
    }

    static Payload fromElement(Element e) {
        String xmlns = Elements.attribute(e, "xmlns");
        Payload p = Payload.of(e.getName(), xmlns);
        Map<String, String> attributes = e.getAttributes();
        if (attributes != null) {
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                if (!a.getKey().equals("xmlns")) {
                    p.attr(a.getKey(), XMLUtils.unescape(a.getValue()));
                }
            }
        }
        String cdata = e.getCData();
        if (cdata != null) {
            p.text(XMLUtils.unescape(cdata));
        }
        List<Element> children = e.getChildren();
        if (children != null) {
            for (Element c : children) {
                p.add(fromElement(c));
            }
        }
        return p;
    }
}
