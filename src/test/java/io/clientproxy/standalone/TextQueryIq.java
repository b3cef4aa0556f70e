package io.clientproxy.standalone;

import java.io.IOException;
import java.util.function.Function;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IQProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * The test IQs' shape, {@code <query xmlns='...'><text>...</text></query>}: a request carries a
 * text, the answering client's result says what it saw. Each suite's IQ ({@link EchoIq},
 * {@code FeatureIq}) has its own namespace, so that they never collide.
 */
public abstract class TextQueryIq extends IQ {
    public static final String ELEMENT = "query";

    private final String text;

    protected TextQueryIq(String namespace, String text) {
        super(ELEMENT, namespace);
        this.text = text;
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

    /** Parses the query into the IQ {@code make} builds from its text. */
    public static final class Provider<T extends TextQueryIq> extends IQProvider<T> {
        private final Function<String, T> make;

        public Provider(Function<String, T> make) {
            this.make = make;
        }

        @Override
        public T parse(XmlPullParser parser, int initialDepth, XmlEnvironment env)
                throws XmlPullParserException, IOException {
            String text = null;
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT && parser.getName().equals("text")) {
                    text = parser.nextText();
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                    return make.apply(text);
                }
            }
        }
    }
}
