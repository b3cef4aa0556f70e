package example.hellobot;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.SubscribeListener.SubscribeAnswer;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A service bot behind tigase-client-proxy, with Smack 4.4 (docs/bots.md walks through it).
 *
 * <pre>
 * java example.hellobot.HelloBot &lt;bot JID&gt; &lt;password&gt; &lt;component address&gt;
 *      [--host H] [--port P] [--resource R] [--priority N] [--no-tls]
 * </pre>
 *
 * It answers {@code <hello xmlns='urn:example:hello'>Ada</hello>} gets with "Hello, Ada!" and an
 * empty name with {@code bad-request}. Every request reaches it from
 * {@code <component address>/<encoded sender>}; it answers to exactly that address.
 */
public final class HelloBot {
    private HelloBot() {
    }

    /**
     * Smack reads the stream with the JDK's parser here, which counts the text that entity
     * references stand for over a whole document; an XMPP stream is one document that lives for
     * days, and from JDK 24 on the parser ends it after 100,000 such characters (Prosody writes
     * every ' and " in text as &amp;apos; and &amp;quot;): the bot would drop offline after enough
     * quotes. Only these two counters go; entityExpansionLimit, which bounds what DTD entities can
     * expand to, stays (XMPP forbids DTDs anyway, RFC 6120 11.1). Before the first parser exists.
     */
    private static void liftStreamWideEntityLimits() {
        for (String limit : List.of("jdk.xml.maxGeneralEntitySizeLimit", "jdk.xml.totalEntitySizeLimit")) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, "0");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        liftStreamWideEntityLimits();
        List<String> positional = new ArrayList<>();
        String host = null;
        int port = 5222;
        String resource = "hello-bot";
        int priority = 0;
        boolean tls = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--resource" -> resource = args[++i];
                case "--priority" -> priority = Integer.parseInt(args[++i]);
                case "--no-tls" -> tls = false; // only for a test server on loopback
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 3) {
            System.err.println("usage: HelloBot <bot JID> <password> <component address> [--host H] [--port P]"
                    + " [--resource R] [--priority N] [--no-tls]");
            System.exit(2);
        }
        BareJid proxy = JidCreate.bareFrom(positional.get(2));

        XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
                .setXmppAddressAndPassword(positional.get(0), positional.get(1))
                .setResource(resource)
                .setSecurityMode(tls ? SecurityMode.required : SecurityMode.disabled)
                // Presence goes out below, with the priority (the 'priority' balancer reads it).
                .setSendPresence(false);
        if (host != null) {
            config.setHostAddress(InetAddress.getByName(host)).setPort(port);
        }
        // Not XMPPTCPConnection: Smack 4.4.8's own answer to a request it cannot parse (a ping,
        // disco#info, any namespace a user tries) is broken XML, and the server closes the stream.
        AbstractXMPPConnection connection = new WellFormedErrorsConnection(config.build());

        // 1. Accept the presence subscription from the component's address, and only from it:
        //    without it the proxy never learns that this resource is online.
        Roster roster = Roster.getInstanceFor(connection);
        roster.setSubscriptionMode(Roster.SubscriptionMode.manual);
        roster.addSubscribeListener((from, request) -> {
            boolean ours = from.asBareJid().equals(proxy);
            System.out.println("hello-bot: subscription request from " + from + (ours ? ": approved" : ": denied"));
            return ours ? SubscribeAnswer.Approve : SubscribeAnswer.Deny;
        });

        // 2. Answer every request, to its 'from', with its id: a result or an error.
        ProviderManager.addIQProvider(HelloIq.ELEMENT, HelloIq.NAMESPACE, new HelloIq.Provider());
        connection.registerIQRequestHandler(new AbstractIqRequestHandler(HelloIq.ELEMENT, HelloIq.NAMESPACE,
                IQ.Type.get, IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return answer((HelloIq) request);
            }
        });

        // Pings (what the proxy's --check sends, and users too) get a result; smack-extensions'
        // PingManager would do the same. Every other request that no handler takes gets Smack's
        // feature-not-implemented: never service-unavailable, which the proxy takes as "this
        // resource is going away" (docs/bots.md, step 3).
        connection.registerIQRequestHandler(new AbstractIqRequestHandler("ping", "urn:xmpp:ping",
                IQ.Type.get, IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return IQ.createResultIQ(request);
            }
        });
        connection.setUnknownIqRequestReplyMode(SmackConfiguration.UnknownIqRequestReplyMode.replyFeatureNotImplemented);

        connection.connect().login();
        // Printed before the presence goes out, so always before the subscription request, which
        // the server delivers once this resource is available.
        System.out.println("hello-bot: online as " + connection.getUser() + ", serving requests from " + proxy);
        // 3. Be available. Without available presence the proxy sends this resource nothing.
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza()
                .ofType(Presence.Type.available).setPriority(priority).build());

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            connection.disconnect(); // sends unavailable presence: the proxy moves what this resource holds
            stop.countDown();
        }));
        stop.await();
    }

    static IQ answer(HelloIq request) {
        // In opaque mode 'from' is <component>/<token>: the same token for the same sender while
        // it keeps asking, and nothing about who it is. In transparent mode the resource is the
        // sender's full JID.
        System.out.println("hello-bot: '" + request.text() + "' from " + request.getFrom());
        IQ reply;
        if (request.text().isBlank()) {
            reply = IQ.createErrorResponse(request, StanzaError.getBuilder(StanzaError.Condition.bad_request)
                    .addExtension(new ErrorText("say who to greet: <hello xmlns='urn:example:hello'>Ada</hello>"))
                    .build());
        } else {
            reply = new HelloIq("Hello, " + request.text().strip() + "!");
            reply.setType(IQ.Type.result);
        }
        reply.setTo(request.getFrom());        // the proxy's address for this sender, as received
        reply.setStanzaId(request.getStanzaId()); // the same id: that is how the proxy matches it
        return reply;
    }
}
