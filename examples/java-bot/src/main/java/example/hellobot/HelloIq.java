package example.hellobot;

import java.io.IOException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IQProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * The example service's one request and its answer:
 * {@code <iq type='get'><hello xmlns='urn:example:hello'>Ada</hello></iq>} is answered
 * {@code <iq type='result'><hello xmlns='urn:example:hello'>Hello, Ada!</hello></iq>}.
 */
public final class HelloIq extends IQ {
    public static final String ELEMENT = "hello";
    public static final String NAMESPACE = "urn:example:hello";

    private final String text;

    public HelloIq(String text) {
        super(ELEMENT, NAMESPACE);
        this.text = text == null ? "" : text;
    }

    public String text() {
        return text;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.rightAngleBracket();
        xml.escape(text);
        return xml;
    }

    /** Smack parses {@code <hello xmlns='urn:example:hello'>} into a HelloIq once this is registered. */
    public static final class Provider extends IQProvider<HelloIq> {
        @Override
        public HelloIq parse(XmlPullParser parser, int initialDepth, XmlEnvironment env)
                throws XmlPullParserException, IOException {
            return new HelloIq(parser.nextText());
        }
    }
}
