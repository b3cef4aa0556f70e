package io.clientproxy.tigase;

import java.util.List;
import tigase.xml.DefaultElementFactory;
import tigase.xml.Element;

/**
 * The {@link Element} operations the adapter uses, each in a form that Tigase 8.4 (xmltools 4.3.0)
 * has and the next Tigase (master, xmltools 4.4.0-SNAPSHOT) does not deprecate. Master deprecates
 * {@code Element(String)}, {@code Element(String, String)}, {@code addChild(XMLNodeIfc)},
 * {@code getAttributeStaticStr(String)}, {@code getChild(String)} and
 * {@code getChild(String, String)} ("will be removed in 5.0.0"); their replacements here behave
 * the same on both. docs/tigase.md ("Upgrading Tigase") lists them.
 */
final class Elements {
    /** Not deprecated in master, unlike the constructors it calls. */
    private static final DefaultElementFactory FACTORY = new DefaultElementFactory();

    private Elements() {
    }

    /** {@code <name/>}. */
    static Element create(String name) {
        return FACTORY.elementInstance(name, null, null, null);
    }

    /** {@code <name>cdata</name>}: {@code cdata} as stored by Tigase, i.e. already escaped. */
    static Element create(String name, String cdata) {
        return FACTORY.elementInstance(name, cdata, null, null);
    }

    /**
     * The attribute's value as Tigase stores it (escaped as in XML), or {@code null}. Tigase 8.4
     * deprecates this method in favour of {@code getAttributeStaticStr}, master the other way round;
     * this one takes any string equal to the name (it interns it), which master keeps.
     */
    @SuppressWarnings("deprecation")
    static String attribute(Element element, String name) {
        return element.getAttribute(name);
    }

    /** The first child element named {@code name}, or {@code null}. */
    static Element child(Element element, String name) {
        return child(element, name, null);
    }

    /** The first child element named {@code name} in namespace {@code xmlns} (any namespace if {@code null}), or {@code null}. */
    static Element child(Element element, String name, String xmlns) {
        List<Element> children = element.getChildren();
        if (children != null) {
            for (Element c : children) {
                if (c.getName().equals(name) && (xmlns == null || xmlns.equals(c.getXMLNS()))) {
                    return c;
                }
            }
        }
        return null;
    }

    /**
     * Appends a copy of {@code child} ({@code addChildren} clones, as both versions do): build the
     * child completely first, changes made to it afterwards do not reach {@code parent}.
     */
    static void append(Element parent, Element child) {
        parent.addChildren(List.of(child));
    }
}
