package io.clientproxy.standalone;

import org.jivesoftware.smack.provider.ProviderManager;

/**
 * A custom IQ for end-to-end tests, {@code <query xmlns='urn:example:echo'><text>...</text></query>}:
 * the sender's request carries a text, the answering client's result says what it saw.
 */
public final class EchoIq extends TextQueryIq {
    public static final String NAMESPACE = "urn:example:echo";

    static {
        ProviderManager.addIQProvider(ELEMENT, NAMESPACE, new Provider<>(EchoIq::new));
    }

    public EchoIq(String text) {
        super(NAMESPACE, text);
    }

    /** Makes sure the provider is registered (it is once this class is loaded). */
    public static void register() {
        // the static initialiser does the work
    }
}
