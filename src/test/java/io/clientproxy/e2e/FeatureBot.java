package io.clientproxy.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * One resource of a target account, as the client that implements a service: accepts every
 * presence subscription (the proxy's), answers {@link FeatureIq} gets and sets with
 * {@code "<text> from <address it saw> at <resource>"}, records every request and message it
 * receives, and answers disco#info itself (Smack's {@link ServiceDiscoveryManager}) with the
 * identity {@code client/bot "FeatureBot <resource>"} and the feature {@link #FEATURE}.
 *
 * <p>Texts that control it: {@code hold} is never answered (it stays pending at the proxy) until
 * {@link #releaseHeld()}; {@code hold-at:<resource>} is held only by that resource and answered
 * at once by any other.
 */
public final class FeatureBot implements AutoCloseable {
    public static final String HOLD = "hold";
    public static final String HOLD_AT = "hold-at:";
    public static final String FEATURE = "urn:example:featurebot";
    public static final String IDENTITY_CATEGORY = "client";
    public static final String IDENTITY_TYPE = "bot";

    /** A request as this resource received it. */
    public record Received(String from, String to, String id, IQ.Type type, String text) {
    }

    public final XMPPTCPConnection connection;
    public final String resource;
    /** Every IQ request of {@link FeatureIq} this resource received, in order. */
    public final List<Received> requests = new CopyOnWriteArrayList<>();
    /** Every message this resource received (errors too), in order. */
    public final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final List<IQ> held = new ArrayList<>();

    private FeatureBot(XMPPTCPConnection connection, String resource) {
        this.connection = connection;
        this.resource = resource;
    }

    /** Logs in as {@code user/resource} and sends available presence with {@code priority}. */
    public static FeatureBot connect(ProsodyServer server, String user, String password, String resource, int priority)
            throws Exception {
        FeatureIq.register();
        // Before login, so that the proxy's subscription request is approved whenever it comes.
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
        XMPPTCPConnection conn = XmppClients.connectAndLogin(server.host(), server.c2sPort(), server.domain(),
                user, password, resource, XmppClients.DEFAULT_REPLY_TIMEOUT);
        Roster.getInstanceFor(conn).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        FeatureBot bot = new FeatureBot(conn, resource);
        ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(conn);
        disco.setIdentity(new DiscoverInfo.Identity(IDENTITY_CATEGORY, identityName(resource), IDENTITY_TYPE));
        disco.addFeature(FEATURE);
        XmppClients.answerRequests(conn, FeatureIq.ELEMENT, FeatureIq.NAMESPACE, (FeatureIq request) -> bot.handle(request));
        // Sync listeners run in order on one thread: messages are queued in the order they came.
        conn.addSyncStanzaListener(stanza -> bot.messages.add((Message) stanza), StanzaTypeFilter.MESSAGE);
        XmppClients.sendPresence(conn, priority);
        return bot;
    }

    /** The identity name this resource's disco#info answer carries. */
    public static String identityName(String resource) {
        return "FeatureBot " + resource;
    }

    /** The text this resource answers a request with. */
    public String answerText(String text, String from) {
        return text + " from " + from + " at " + resource;
    }

    private IQ handle(FeatureIq request) {
        String from = String.valueOf(request.getFrom());
        String text = request.text();
        requests.add(new Received(from, String.valueOf(request.getTo()), request.getStanzaId(), request.getType(), text));
        if (HOLD.equals(text) || (HOLD_AT + resource).equals(text)) {
            synchronized (held) {
                held.add(request);
            }
            return null;
        }
        return FeatureIq.resultFor(request, answerText(text, from));
    }

    /** Full JID of this resource. */
    public EntityFullJid jid() {
        return connection.getUser();
    }

    /** Requests held (received, not answered) now. */
    public int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    /** Answers every held request (as if it had just finished); returns how many. */
    public int releaseHeld() throws SmackException.NotConnectedException, InterruptedException {
        List<IQ> now;
        synchronized (held) {
            now = new ArrayList<>(held);
            held.clear();
        }
        for (IQ request : now) {
            connection.sendStanza(FeatureIq.resultFor(request,
                    answerText(((FeatureIq) request).text(), String.valueOf(request.getFrom()))));
        }
        return now.size();
    }

    /** Sends available presence with {@code priority} (again). */
    public void available(int priority) throws SmackException.NotConnectedException, InterruptedException {
        XmppClients.sendPresence(connection, priority);
    }

    /** Sends unavailable presence; the connection stays up (it can still send and receive). */
    public void unavailable() throws SmackException.NotConnectedException, InterruptedException {
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza()
                .ofType(Presence.Type.unavailable).build());
    }

    /** A chat message from this resource. */
    public void sendMessage(Jid to, String body) throws SmackException.NotConnectedException, InterruptedException {
        connection.sendStanza(connection.getStanzaFactory().buildMessageStanza()
                .to(to).ofType(Message.Type.chat).setBody(body).build());
    }

    /** The next message this resource receives, or null after {@code timeout}. */
    public Message nextMessage(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        connection.disconnect();
    }

    @Override
    public String toString() {
        return "FeatureBot[" + connection.getUser() + "]";
    }
}
