package example.hellobot;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.StringUtils;

/**
 * An error's {@code <text/>}, written as is. Smack 4.4.8 drops the {@code xmlns} of a text set with
 * {@code setDescriptiveEnText} when it writes the stanza to the socket, so the text would arrive in
 * the wrong namespace and the sender's client would not show it as the error's text.
 */
final class ErrorText implements ExtensionElement {
    private final String text;

    ErrorText(String text) {
        this.text = text;
    }

    @Override
    public String getElementName() {
        return "text";
    }

    @Override
    public String getNamespace() {
        return StanzaError.ERROR_CONDITION_AND_TEXT_NAMESPACE;
    }

    @Override
    public String toXML(XmlEnvironment enclosing) {
        return "<text xmlns='" + StanzaError.ERROR_CONDITION_AND_TEXT_NAMESPACE + "' xml:lang='en'>"
                + StringUtils.escapeForXmlText(text) + "</text>";
    }
}
