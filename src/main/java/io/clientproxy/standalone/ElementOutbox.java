package io.clientproxy.standalone;

import io.clientproxy.core.Condition;
import io.clientproxy.core.ErrorType;
import io.clientproxy.core.Jid;
import io.clientproxy.core.Outbox;
import io.clientproxy.core.Payload;
import io.clientproxy.core.StanzaError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out the core's decisions as stanzas on the component stream. Received elements are
 * never changed (they are immutable): a forward is a copy with new {@code from} and {@code to},
 * everything else is built fresh.
 *
 * <p>What cannot be written now: an answer owed to a sender (an IQ result or error, also the
 * errors for requests pending when the connection was lost) is held and sent first on the next
 * stream ({@link #sendOwed}); anything else is only counted ({@code send-failures}), since the
 * core repeats what matters (subscription, probe) after a reconnect. The answers held are
 * bounded, so that a long outage cannot exhaust memory; those that never go out (beyond the
 * bound, or still held when the proxy stops) are counted as {@code lost-requests} and logged.
 */
final class ElementOutbox implements Outbox<XmlElement> {
    private static final Logger log = Logger.getLogger(ElementOutbox.class.getName());

    /** The answer for a request that was with the target when the connection to the server broke. */
    static final StanzaError CONNECTION_LOST = new StanzaError(Condition.SERVICE_UNAVAILABLE, ErrorType.WAIT,
            "the proxy lost its connection to the XMPP server while the request was pending; "
                    + "it may or may not have been acted on");

    /** How many lost answers a log line names; the rest are only counted. */
    private static final int NAMED_IN_LOG = 10;

    /** Writes a stanza now; false when it could not (no stream, or the write failed). */
    private final Predicate<XmlElement> sink;
    private final BlockingDeque<XmlElement> owed;
    private final StandaloneCounters counters;

    /** @param maxOwed how many answers may wait for the next stream */
    ElementOutbox(Predicate<XmlElement> sink, int maxOwed, StandaloneCounters counters) {
        this.sink = sink;
        this.owed = new LinkedBlockingDeque<>(maxOwed);
        this.counters = counters;
    }

    @Override
    public void forward(XmlElement stanza, Jid from, Jid to) {
        send(stanza.withAttribute("from", from.toString()).withAttribute("to", to.toString()));
    }

    @Override
    public void forwardRequest(XmlElement request, Jid from, Jid to, String id) {
        send(request.withAttribute("from", from.toString()).withAttribute("to", to.toString()).withAttribute("id", id));
    }

    @Override
    public void forwardAnswer(XmlElement answer, XmlElement request, Jid from, Jid to) {
        send(answer.withAttribute("from", from.toString()).withAttribute("to", to.toString())
                .withAttribute("id", request.attribute("id")));
    }

    @Override
    public void forwardToOneResource(XmlElement message, Jid from, Jid to) {
        XmlElement copy = message.withAttribute("from", from.toString()).withAttribute("to", to.toString());
        copy = addIfAbsent(copy, "private", CARBONS_NS);
        send(addIfAbsent(copy, "no-copy", HINTS_NS));
    }

    /** {@code element}, or a copy with an empty child {@code <name xmlns='ns'/>} added last when it has none. */
    private static XmlElement addIfAbsent(XmlElement element, String name, String ns) {
        for (XmlElement child : element.elements()) {
            String qualified = child.name();
            // The name as written may carry a prefix (c:private): compare the local name.
            String local = qualified.substring(qualified.indexOf(':') + 1);
            if (local.equals(name) && ns.equals(child.namespaceIn(element))) {
                return element;
            }
        }
        return element.withChild(XmlElement.builder(name).attribute("xmlns", ns).build());
    }

    @Override
    public void error(XmlElement stanza, Jid from, Jid to, StanzaError error) {
        send(errorReply(stanza, from, to, error));
    }

    @Override
    public void presence(Jid from, Jid to, String type) {
        send(XmlElement.builder("presence").attribute("from", from.toString()).attribute("to", to.toString())
                .attribute("type", type).build());
    }

    @Override
    public void result(XmlElement request, Jid from, Jid to, Payload payload) {
        XmlElement.Builder iq = reply("iq", request.attribute("id"), "result", from, to);
        send((payload == null ? iq : iq.child(PayloadXml.toElement(payload))).build());
    }

    @Override
    public void ping(Jid from, Jid to, String id) {
        send(reply("iq", id, "get", from, to).child(PayloadXml.toElement(Payload.of("ping", "urn:xmpp:ping"))).build());
    }

    @Override
    public Payload childOf(XmlElement stanza) {
        for (XmlElement child : stanza.elements()) {
            return PayloadXml.fromElement(child, stanza);
        }
        return null;
    }

    /** A new stanza with these attributes, in this order. */
    private static XmlElement.Builder reply(String name, String id, String type, Jid from, Jid to) {
        return XmlElement.builder(name).attribute("id", id).attribute("type", type)
                .attribute("from", from.toString()).attribute("to", to.toString());
    }

    private void send(XmlElement stanza) {
        if (!sink.test(stanza)) {
            notSent(stanza);
        }
    }

    /**
     * A stanza that could not be written (now, or as part of a batch whose write failed later):
     * an answer is held for the next stream, anything else is counted.
     */
    void notSent(XmlElement stanza) {
        if (isAnswer(stanza)) {
            owe(stanza);
        } else {
            counters.count(StandaloneCounter.SEND_FAILURES);
            if (log.isLoggable(Level.FINE)) {
                log.fine("not connected; not sent: " + stanza.toXml());
            }
        }
    }

    /**
     * The requests that were pending when the stream broke: each is owed {@code service-unavailable}
     * (type {@code wait}), from the address it was sent to ({@code component} if it had none).
     */
    void connectionLost(List<XmlElement> requests, Jid component) {
        for (XmlElement request : requests) {
            Jid sender = StanzaDispatcher.jid(request.attribute("from"));
            Jid address = StanzaDispatcher.jid(request.attribute("to"));
            owe(errorReply(request, address == null ? component : address, sender == null ? component : sender,
                    CONNECTION_LOST));
        }
    }

    private void owe(XmlElement answer) {
        if (!owed.offerLast(answer)) {
            lost(List.of(answer), "more than " + (owed.size() + owed.remainingCapacity()) + " answers are waiting for the connection");
        }
    }

    /** Sends the answers held, in order; stops at the first that cannot be sent and keeps it. Returns how many were sent. */
    int sendOwed() {
        int sent = 0;
        for (XmlElement next; (next = owed.pollFirst()) != null; sent++) {
            if (!sink.test(next)) {
                if (!owed.offerFirst(next)) {
                    lost(List.of(next), "more answers came to wait while they were being sent");
                }
                break;
            }
        }
        return sent;
    }

    /** How many answers wait for the next stream. */
    int owedCount() {
        return owed.size();
    }

    /** Gives up on every answer held: counts and logs them as lost. */
    void discardOwed(String why) {
        List<XmlElement> all = new ArrayList<>();
        owed.drainTo(all);
        lost(all, why);
    }

    private void lost(List<XmlElement> answers, String why) {
        if (answers.isEmpty()) {
            return;
        }
        counters.add(StandaloneCounter.LOST_REQUESTS, answers.size());
        StringBuilder sb = new StringBuilder().append(answers.size()).append(answers.size() == 1 ? " request" : " requests")
                .append(" could not be answered (").append(why).append("):");
        for (XmlElement a : answers.subList(0, Math.min(NAMED_IN_LOG, answers.size()))) {
            sb.append(' ').append(a.attribute("to")).append(" id=").append(a.attribute("id")).append(',');
        }
        sb.setLength(sb.length() - 1);
        if (answers.size() > NAMED_IN_LOG) {
            sb.append(" and ").append(answers.size() - NAMED_IN_LOG).append(" more");
        }
        log.warning(sb::toString);
    }

    /** An IQ result or error: the answer a sender is waiting for. */
    private static boolean isAnswer(XmlElement stanza) {
        String type = stanza.attribute("type");
        return stanza.name().equals("iq") && ("result".equals(type) || "error".equals(type));
    }

    /**
     * The error answer to {@code stanza}: same element name and id, {@code type='error'}, the
     * given addresses and an {@code <error/>} child (RFC 6120 8.3).
     */
    static XmlElement errorReply(XmlElement stanza, Jid from, Jid to, StanzaError error) {
        XmlElement.Builder e = XmlElement.builder("error").attribute("type", error.type().xml())
                .child(XmlElement.builder(error.condition().xml()).attribute("xmlns", Condition.STANZAS_NS).build());
        if (error.text() != null) {
            e.child(XmlElement.builder("text").attribute("xmlns", Condition.STANZAS_NS).attribute("xml:lang", "en")
                    .text(error.text()).build());
        }
        return reply(stanza.name(), stanza.attribute("id"), "error", from, to).child(e.build()).build();
    }
}
