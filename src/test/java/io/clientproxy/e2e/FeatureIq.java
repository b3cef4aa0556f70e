package io.clientproxy.e2e;

import io.clientproxy.standalone.TextQueryIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.provider.ProviderManager;

/**
 * The custom IQ of the feature suites, {@code <query xmlns='urn:example:feature'><text>...</text></query>}:
 * a request carries a text, the answering client's result says what it saw (see {@link FeatureBot}).
 * Its own namespace, so that it never collides with the {@code urn:example:echo} IQ of other suites.
 */
public final class FeatureIq extends TextQueryIq {
    public static final String NAMESPACE = "urn:example:feature";

    static {
        ProviderManager.addIQProvider(ELEMENT, NAMESPACE, new Provider<>(FeatureIq::new));
    }

    public FeatureIq(String text) {
        super(NAMESPACE, text);
    }
    /** A request of {@code type} to {@code to}. */
    public static FeatureIq request(IQ.Type type, org.jxmpp.jid.Jid to, String text) {
        FeatureIq iq = new FeatureIq(text);
        iq.setType(type);
        iq.setTo(to);
        if (iq.getStanzaId() == null) {
            iq.setStanzaId(java.util.UUID.randomUUID().toString());
        }
        return iq;
    }

    /** The result answering {@code request} with {@code text}. */
    public static FeatureIq resultFor(IQ request, String text) {
        FeatureIq reply = new FeatureIq(text);
        reply.setType(IQ.Type.result);
        reply.setTo(request.getFrom());
        reply.setStanzaId(request.getStanzaId());
        return reply;
    }

    /** Makes sure the provider is registered (it is once this class is loaded). */
    public static void register() {
        // the static initialiser does the work
    }
}
