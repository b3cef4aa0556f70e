package io.clientproxy.standalone;

import io.clientproxy.e2e.XmppClients;
import io.clientproxy.e2e.XmppServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.packet.ErrorIQ;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.util.StringUtils;

/**
 * One resource of the target account, as the implementing client of a service: accepts every
 * presence subscription (the proxy's) and answers {@link EchoIq} gets and sets. What it does
 * depends on the request's text:
 * <ul>
 * <li>anything else: a result {@code "<text> from <address it saw> at <resource>"};</li>
 * <li>{@code hold}, or {@code hold:<anything>}: no answer at all, to keep it pending at the proxy;
 *     the request is kept in {@link #held} so a test can answer it later ({@link #answer});</li>
 * <li>{@code hold@<resource>} or {@code hold@<resource>:<anything>}: held only by that resource,
 *     answered as usual by any other (so a request can be made to move);</li>
 * <li>{@code error:<condition>[:<type>[:<text>]]}: an error reply with that defined condition
 *     ({@code item-not-found}), type ({@code cancel}; default: the condition's usual type) and
 *     text, plus an application condition {@code <bot-says xmlns='urn:example:echo'/>}.</li>
 * </ul>
 * With {@link #answerDelay(Duration)} answers are sent that much later (from a timer, not a
 * blocked thread), so that requests stay in flight for a while.
 */
public final class EchoBot implements AutoCloseable {
    public static final String HOLD = "hold";
    /** The element name of the application-specific condition in the bot's error replies. */
    public static final String APP_CONDITION = "bot-says";

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "echo-bot-timer");
        t.setDaemon(true);
        return t;
    });

    public final XMPPTCPConnection connection;
    public final String resource;
    /** The {@code from} of every request this resource received. */
    public final List<String> seenFrom = new CopyOnWriteArrayList<>();
    /** Every request this resource received, in order. */
    public final List<EchoIq> received = new CopyOnWriteArrayList<>();
    /** Requests it holds (texts {@code hold...}), in order of arrival; answer them with {@link #answer}. */
    public final BlockingQueue<EchoIq> held = new LinkedBlockingQueue<>();
    private volatile Duration answerDelay = Duration.ZERO;

    private EchoBot(XMPPTCPConnection connection, String resource) {
        this.connection = connection;
        this.resource = resource;
    }

    /** Connects {@code user@domain/resource} with presence priority 0. */
    public static EchoBot connect(XmppServer server, String user, String password, String resource) throws Exception {
        return connect(server, user, password, resource, 0);
    }

    /** Connects {@code user@domain/resource}, ready to answer, and sends available presence with {@code priority}. */
    public static EchoBot connect(XmppServer server, String user, String password, String resource, int priority)
            throws Exception {
        EchoIq.register();
        // Before login, so that the proxy's subscription request is approved whenever it comes.
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
        return on(XmppClients.connectAndLogin(server.host(), server.c2sPort(), server.domain(),
                user, password, resource, XmppClients.DEFAULT_REPLY_TIMEOUT), resource, priority);
    }

    /** Makes a logged-in connection (not yet available) an echo bot, and sends available presence with {@code priority}. */
    public static EchoBot on(XMPPTCPConnection conn, String resource, int priority) throws Exception {
        EchoIq.register();
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
        try {
            Roster.getInstanceFor(conn).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            EchoBot bot = new EchoBot(conn, resource);
            XmppClients.answerRequests(conn, EchoIq.ELEMENT, EchoIq.NAMESPACE, (EchoIq request) -> bot.handle(request));
            XmppClients.sendPresence(conn, priority);
            return bot;
        } catch (Exception | Error e) {
            conn.disconnect();
            throw e;
        }
    }

    /** From now on answers go out {@code delay} after the request came (zero: at once). */
    public EchoBot answerDelay(Duration delay) {
        this.answerDelay = delay;
        return this;
    }

    private IQ handle(EchoIq request) {
        seenFrom.add(request.getFrom().toString());
        received.add(request);
        String text = request.text() == null ? "" : request.text();
        if (holds(text)) {
            held.add(request);
            return null;
        }
        IQ reply = text.startsWith("error:") ? errorReply(request, text) : resultFor(request);
        Duration delay = answerDelay;
        if (delay.isZero()) {
            return reply;
        }
        TIMER.schedule(() -> sendQuietly(reply), delay.toNanos(), TimeUnit.NANOSECONDS);
        return null;
    }

    private boolean holds(String text) {
        String head = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
        return head.equals(HOLD) || head.equals(HOLD + "@" + resource);
    }

    /** The result this bot gives for a request: {@code "<text> from <from> at <resource>"}. */
    public EchoIq resultFor(IQ request) {
        return resultFor(request, ((EchoIq) request).text() + " from " + request.getFrom() + " at " + resource);
    }

    /** A result to {@code request} (same id, to its sender) carrying {@code text}. */
    public static EchoIq resultFor(IQ request, String text) {
        EchoIq reply = new EchoIq(text);
        reply.setType(IQ.Type.result);
        reply.setTo(request.getFrom());
        reply.setStanzaId(request.getStanzaId());
        return reply;
    }

    private static ErrorIQ errorReply(IQ request, String text) {
        String[] parts = text.split(":", 4);
        StanzaError.Condition condition = StanzaError.Condition.fromString(parts[1]);
        StanzaError.Builder error = StanzaError.getBuilder(condition)
                .addExtension(StandardExtensionElement.builder(APP_CONDITION, EchoIq.NAMESPACE).build());
        if (parts.length > 2 && !parts[2].isEmpty()) {
            error.setType(StanzaError.Type.fromString(parts[2]));
        }
        if (parts.length > 3) {
            error.addExtension(new ErrorText(parts[3]));
        }
        ErrorIQ reply = IQ.createErrorResponse(request, error.build());
        reply.setTo(request.getFrom());
        reply.setStanzaId(request.getStanzaId());
        return reply;
    }

    /**
     * The error's {@code <text/>}, written verbatim. Smack 4.4.8 loses the {@code xmlns} of a
     * descriptive text set with {@code setDescriptiveTexts} when it writes a stanza to the socket
     * ({@code XmlStringBuilder.write} with the stream's environment drops it as if inherited), so
     * the text would arrive in the {@code jabber:client} namespace and no client would read it as
     * the error's text.
     */
    private static final class ErrorText implements ExtensionElement {
        private final String text;

        ErrorText(String text) {
            this.text = text;
        }

        @Override
        public String getElementName() {
            return "text";
        }

        @Override
        public String getNamespace() {
            return StanzaError.ERROR_CONDITION_AND_TEXT_NAMESPACE;
        }

        @Override
        public String toXML(XmlEnvironment enclosing) {
            return "<text xmlns='" + StanzaError.ERROR_CONDITION_AND_TEXT_NAMESPACE + "' xml:lang='en'>"
                    + StringUtils.escapeForXmlText(text).toString() + "</text>";
        }
    }

    /** Waits for the next held request; null on timeout. */
    public EchoIq awaitHeld(Duration timeout) throws InterruptedException {
        return held.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends the usual result for a (held) request now. */
    public void answer(IQ request) throws SmackException.NotConnectedException, InterruptedException {
        connection.sendStanza(resultFor(request));
    }

    private void sendQuietly(IQ reply) {
        try {
            if (connection.isConnected()) {
                connection.sendStanza(reply);
            }
        } catch (SmackException.NotConnectedException | RuntimeException e) {
            // gone meanwhile: the proxy settles the request when it sees the resource leave
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves gracefully: unavailable presence, then the end of the stream. */
    @Override
    public void close() {
        connection.disconnect();
    }

    /** Leaves abruptly: the TCP connection is closed with no unavailable presence and no end of stream. */
    public void drop() {
        connection.instantShutdown();
    }

    @Override
    public String toString() {
        return "EchoBot[" + connection.getUser() + (connection.isConnected() ? "" : " disconnected") + "]";
    }
}
