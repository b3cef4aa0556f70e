package io.clientproxy.standalone;

import io.clientproxy.e2e.ProsodyServer;
import io.clientproxy.e2e.XmppClients;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * One resource of the target account, as the implementing client of a service: accepts every
 * presence subscription (the proxy's) and answers {@link EchoIq} gets with
 * {@code "<text> from <address it saw> at <resource>"}. A request whose text is {@code hold}
 * gets no answer at all, to keep it pending at the proxy.
 */
public final class EchoBot implements AutoCloseable {
    public static final String HOLD = "hold";

    public final XMPPTCPConnection connection;
    public final String resource;
    /** The {@code from} of every request this resource received. */
    public final List<String> seenFrom = new CopyOnWriteArrayList<>();

    private EchoBot(XMPPTCPConnection connection, String resource) {
        this.connection = connection;
        this.resource = resource;
    }

    public static EchoBot connect(ProsodyServer server, String user, String password, String resource) throws Exception {
        EchoIq.register();
        // Before login, so that the proxy's subscription request is approved whenever it comes.
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
        XMPPTCPConnection conn = XmppClients.connectAndLogin(server.host(), server.c2sPort(), server.domain(),
                user, password, resource, XmppClients.DEFAULT_REPLY_TIMEOUT);
        Roster.getInstanceFor(conn).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        EchoBot bot = new EchoBot(conn, resource);
        conn.registerIQRequestHandler(new AbstractIqRequestHandler(EchoIq.ELEMENT, EchoIq.NAMESPACE, IQ.Type.get,
                IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                String from = request.getFrom().toString();
                bot.seenFrom.add(from);
                String text = ((EchoIq) request).text();
                if (HOLD.equals(text)) {
                    return null;
                }
                EchoIq reply = new EchoIq(text + " from " + from + " at " + resource);
                reply.setType(IQ.Type.result);
                reply.setTo(request.getFrom());
                reply.setStanzaId(request.getStanzaId());
                return reply;
            }
        });
        XmppClients.sendPresence(conn, 0);
        return bot;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
