package io.clientproxy.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Function;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.Smack;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.java7.Java7SmackInitializer;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * Opens logged-in Smack 4.4 client connections to a test XMPP server (plain TCP on loopback,
 * {@link SecurityMode#disabled}, no automatic reconnection).
 */
public final class XmppClients {

    /** Default packet reply timeout for test clients. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(10);

    static {
        init();
    }

    private XmppClients() {
    }

    /**
     * Makes sure Smack is initialised in a plain JUnit JVM: {@link Smack#ensureInitialized()}
     * runs the startup classes listed in smack-config.xml (TCP, IM, extensions, the smack-java8
     * Base64 encoders needed by SCRAM); the explicit Java7 initializer call is a harmless repeat
     * that fails at compile time if smack-java8 is missing.
     */
    public static void init() {
        Smack.ensureInitialized();
        new Java7SmackInitializer().initialize();
    }

    /** Connects to a test server's c2s port as {@code user@server.domain()/resource}, with the default reply timeout. */
    public static XMPPTCPConnection connect(XmppServer server, String user, String password, String resource,
            int priority) throws IOException, InterruptedException, XMPPException, SmackException {
        return connect(server.host(), server.c2sPort(), server.domain(), user, password, resource, priority,
                DEFAULT_REPLY_TIMEOUT);
    }

    /** As {@link #connect(XmppServer, String, String, String, int)} with a reply timeout. */
    public static XMPPTCPConnection connect(XmppServer server, String user, String password, String resource,
            int priority, Duration replyTimeout) throws IOException, InterruptedException, XMPPException, SmackException {
        return connect(server.host(), server.c2sPort(), server.domain(), user, password, resource, priority,
                replyTimeout);
    }

    /** Connects and logs in to a test server without sending any presence (the resource stays unavailable). */
    public static XMPPTCPConnection connectAndLogin(XmppServer server, String user, String password, String resource,
            Duration replyTimeout) throws IOException, InterruptedException, XMPPException, SmackException {
        return connectAndLogin(server.host(), server.c2sPort(), server.domain(), user, password, resource, replyTimeout);
    }

    /**
     * Connects, logs in and sends initial presence with {@code priority} (-128..127).
     *
     * @param host IP address of the server (no DNS lookup is done), e.g. {@code 127.0.0.1}
     * @param domain XMPP domain of the account
     */
    public static XMPPTCPConnection connect(String host, int port, String domain, String user, String password,
            String resource, int priority, Duration replyTimeout)
            throws IOException, InterruptedException, XMPPException, SmackException {
        XMPPTCPConnection conn = connectAndLogin(host, port, domain, user, password, resource, replyTimeout);
        try {
            sendPresence(conn, priority);
        } catch (RuntimeException | SmackException.NotConnectedException | InterruptedException e) {
            conn.disconnect();
            throw e;
        }
        return conn;
    }

    /** Connects and logs in without sending any presence (the resource stays unavailable). */
    public static XMPPTCPConnection connectAndLogin(String host, int port, String domain, String user,
            String password, String resource, Duration replyTimeout)
            throws IOException, InterruptedException, XMPPException, SmackException {
        return connectAndLogin(host, port, domain, user, password, resource, replyTimeout, false);
    }

    /**
     * Connects and logs in without sending any presence; with {@code startTls}, over STARTTLS that
     * accepts any certificate (a server that requires TLS before SASL, as Tigase does by default,
     * with its self-signed certificate).
     */
    public static XMPPTCPConnection connectAndLogin(String host, int port, String domain, String user,
            String password, String resource, Duration replyTimeout, boolean startTls)
            throws IOException, InterruptedException, XMPPException, SmackException {
        return connectAndLogin(host, port, domain, user, password, resource, replyTimeout, startTls, true);
    }

    /**
     * As {@link #connectAndLogin(String, int, String, String, String, String, Duration, boolean)};
     * without {@code streamManagement} the client does not enable XEP-0198 even where the server
     * offers it, so a closed connection ends the session at once instead of hibernating it.
     */
    public static XMPPTCPConnection connectAndLogin(String host, int port, String domain, String user,
            String password, String resource, Duration replyTimeout, boolean startTls, boolean streamManagement)
            throws IOException, InterruptedException, XMPPException, SmackException {
        XMPPTCPConnection conn = new XMPPTCPConnection(configuration(host, port, domain, startTls)
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .build());
        conn.setUseStreamManagement(streamManagement);
        conn.setReplyTimeout(replyTimeout.toMillis());
        ReconnectionManager.getInstanceFor(conn).disableAutomaticReconnection();
        try {
            conn.connect();
            conn.login();
        } catch (IOException | InterruptedException | XMPPException | SmackException | RuntimeException e) {
            conn.disconnect();
            throw e;
        }
        return conn;
    }

    /** A connection configuration for a loopback test server: no presence sent, no compression. */
    public static XMPPTCPConnectionConfiguration.Builder configuration(String host, int port, String domain,
            boolean startTls) throws IOException {
        XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain)
                .setHostAddress(InetAddress.getByName(host))
                .setPort(port)
                .setSendPresence(false)
                .setCompressionEnabled(false);
        if (!startTls) {
            return b.setSecurityMode(SecurityMode.disabled);
        }
        // Channel binding (-PLUS) needs what the test's trust-all TLS does not give: plain SCRAM.
        return b.setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(TRUST_ANY)
                .setHostnameVerifier((hostname, session) -> true)
                .addEnabledSaslMechanism(java.util.List.of("SCRAM-SHA-1", "PLAIN"));
    }

    /** Accepts any server certificate: only for private servers on loopback. */
    private static final javax.net.ssl.X509TrustManager TRUST_ANY = new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    };

    /** Sends available presence with the given priority. */
    public static void sendPresence(XMPPTCPConnection conn, int priority)
            throws SmackException.NotConnectedException, InterruptedException {
        Presence presence = conn.getStanzaFactory().buildPresenceStanza()
                .ofType(Presence.Type.available)
                .setPriority(priority)
                .build();
        conn.sendStanza(presence);
    }

    /**
     * Answers every get and set of {@code <element xmlns='namespace'/>} that reaches {@code conn}
     * with what {@code handler} returns (on Smack's async handler threads).
     */
    @SuppressWarnings("unchecked")
    public static <T extends IQ> void answerRequests(XMPPTCPConnection conn, String element, String namespace,
                                                     Function<T, IQ> handler) {
        for (IQ.Type type : new IQ.Type[] {IQ.Type.get, IQ.Type.set}) {
            conn.registerIQRequestHandler(new AbstractIqRequestHandler(element, namespace, type, IQRequestHandler.Mode.async) {
                @Override
                public IQ handleIQRequest(IQ request) {
                    return handler.apply((T) request);
                }
            });
        }
    }
}
