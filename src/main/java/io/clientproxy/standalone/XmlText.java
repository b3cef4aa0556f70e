package io.clientproxy.standalone;

import java.util.Objects;

/** Character data inside an element, unescaped (CDATA sections arrive here as plain text). */
public record XmlText(String text) implements XmlNode {
    public XmlText {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public void appendTo(StringBuilder out) {
        XmlEscape.append(text, false, out);
    }
}
