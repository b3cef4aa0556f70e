package io.clientproxy.e2e;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * A user of the service who can also be asked (outbound requests) and written to (messages):
 * answers {@link FeatureIq} gets and sets with {@code "<text> answered by <own full JID>"},
 * {@code refuse} with {@code not-acceptable}, and leaves {@code silent} unanswered (until
 * {@link #releaseHeld()}); records every
 * request and message it receives.
 */
public final class FeatureSender implements AutoCloseable {
    public static final String REFUSE = "refuse";
    public static final String SILENT = "silent";

    public final XMPPTCPConnection connection;
    /** Every {@link FeatureIq} request received, in order. */
    public final List<FeatureBot.Received> requests = new CopyOnWriteArrayList<>();
    /** Every message received (errors too), in order. */
    public final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();

    private final List<IQ> held = new java.util.ArrayList<>();

    private FeatureSender(XMPPTCPConnection connection) {
        this.connection = connection;
    }

    /** Logs in {@code user@localhost/resource} (password {@code <user>-pw}) and starts answering. */
    public static FeatureSender connect(String user, String resource) throws Exception {
        XMPPTCPConnection conn = FeatureFixture.user(user, resource);
        FeatureSender sender = new FeatureSender(conn);
        XmppClients.answerRequests(conn, FeatureIq.ELEMENT, FeatureIq.NAMESPACE, (FeatureIq request) -> sender.handle(request));
        conn.addSyncStanzaListener(stanza -> sender.messages.add((Message) stanza), StanzaTypeFilter.MESSAGE);
        return sender;
    }

    /** The text this sender answers {@code text} with. */
    public String answerText(String text) {
        return text + " answered by " + connection.getUser();
    }

    private IQ handle(FeatureIq request) {
        requests.add(new FeatureBot.Received(String.valueOf(request.getFrom()), String.valueOf(request.getTo()),
                request.getStanzaId(), request.getType(), request.text()));
        if (SILENT.equals(request.text())) {
            synchronized (held) {
                held.add(request);
            }
            return null;
        }
        if (REFUSE.equals(request.text())) {
            return IQ.createErrorResponse(request, StanzaError.getBuilder(StanzaError.Condition.not_acceptable)
                    .setDescriptiveEnText("not from me").build());
        }
        return FeatureIq.resultFor(request, answerText(request.text()));
    }

    /** Answers the {@code silent} requests received so far, late; returns how many. */
    public int releaseHeld() throws org.jivesoftware.smack.SmackException.NotConnectedException, InterruptedException {
        List<IQ> now;
        synchronized (held) {
            now = new java.util.ArrayList<>(held);
            held.clear();
        }
        for (IQ request : now) {
            connection.sendStanza(FeatureIq.resultFor(request, answerText(((FeatureIq) request).text())));
        }
        return now.size();
    }

    /** The next message received, or null after {@code timeout}. */
    public Message nextMessage(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
