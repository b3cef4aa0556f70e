package io.clientproxy.standalone;

/** A piece of element content as received: a child element or a run of text. */
public sealed interface XmlNode permits XmlElement, XmlText {
    /** Appends this node as XML, escaped, to {@code out}. */
    void appendTo(StringBuilder out);
}
