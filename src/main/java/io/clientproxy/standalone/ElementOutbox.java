package io.clientproxy.standalone;

import io.clientproxy.core.Condition;
import io.clientproxy.core.ErrorType;
import io.clientproxy.core.Jid;
import io.clientproxy.core.Outbox;
import io.clientproxy.core.Payload;
import io.clientproxy.core.StanzaError;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out the core's decisions as stanzas on the component stream. Received elements are
 * never changed (they are immutable): a forward is a copy with new {@code from} and {@code to},
 * everything else is built fresh. An answer to a sender that cannot be written now is kept in
 * the {@link AnswerBacklog} for the next stream; anything else that cannot be written is only
 * counted, since the core repeats what matters (subscription, probe) after a reconnect.
 */
final class ElementOutbox implements Outbox<XmlElement> {
    private static final Logger log = Logger.getLogger(ElementOutbox.class.getName());

    /** The answer for a request that was with the target when the connection to the server broke. */
    static final StanzaError CONNECTION_LOST = new StanzaError(Condition.SERVICE_UNAVAILABLE, ErrorType.WAIT,
            "the proxy lost its connection to the XMPP server while the request was pending; "
                    + "it may or may not have been acted on");

    /** Writes a stanza now; false when it could not (no stream, or the write failed). */
    private final Predicate<XmlElement> sink;
    private final AnswerBacklog backlog;
    private final StandaloneCounters counters;

    ElementOutbox(Predicate<XmlElement> sink, AnswerBacklog backlog, StandaloneCounters counters) {
        this.sink = sink;
        this.backlog = backlog;
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
     * an answer is kept for the next stream, anything else is counted.
     */
    void notSent(XmlElement stanza) {
        if (isAnswer(stanza)) {
            backlog.add(stanza);
        } else {
            counters.count(StandaloneCounter.SEND_FAILURES);
            if (log.isLoggable(Level.FINE)) {
                log.fine("not connected; not sent: " + stanza.toXml());
            }
        }
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
