package io.clientproxy.standalone;

import java.io.IOException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IQProvider;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * A custom IQ for end-to-end tests, {@code <query xmlns='urn:example:echo'><text>...</text></query>}:
 * the sender's request carries a text, the answering client's result says what it saw.
 */
public final class EchoIq extends IQ {
    public static final String ELEMENT = "query";
    public static final String NAMESPACE = "urn:example:echo";

    static {
        ProviderManager.addIQProvider(ELEMENT, NAMESPACE, new Provider());
    }

    private final String text;

    public EchoIq(String text) {
        super(ELEMENT, NAMESPACE);
        this.text = text;
    }

    /** Makes sure the provider is registered (it is once this class is loaded). */
    public static void register() {
        // the static initialiser does the work
    }

    public String text() {
        return text;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.rightAngleBracket();
        xml.element("text", text == null ? "" : text);
        return xml;
    }

    /** Parses the query into an {@link EchoIq}. */
    public static final class Provider extends IQProvider<EchoIq> {
        @Override
        public EchoIq parse(XmlPullParser parser, int initialDepth, XmlEnvironment env)
                throws XmlPullParserException, IOException {
            String text = null;
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT && parser.getName().equals("text")) {
                    text = parser.nextText();
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                    return new EchoIq(text);
                }
            }
        }
    }
}
