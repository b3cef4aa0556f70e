package io.clientproxy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** An outbox that records what the core asks to send: the core's view of the wire. */
final class RecordingOutbox implements Outbox<String> {
    enum Kind { FORWARD, ERROR, PRESENCE, RESULT, PING }

    /** One outgoing stanza; {@code stanza} is the test's label of the stanza it answers or copies. */
    /**
     * @param id for a request forwarded toward the target, the id it carries (what the target
     *           answers with); null otherwise
     */
    record Sent(Kind kind, String stanza, Jid from, Jid to, StanzaError error, String presenceType, String id) {
        Sent(Kind kind, String stanza, Jid from, Jid to, StanzaError error, String presenceType) {
            this(kind, stanza, from, to, error, presenceType, null);
        }

        @Override
        public String toString() {
            return kind + " " + stanza + " " + from + " -> " + to
                    + (error == null ? "" : " " + error.condition().xml() + "/" + error.type().xml())
                    + (presenceType != null ? " " + presenceType : "");
        }
    }

    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();

    @Override
    public void forward(String stanza, Jid from, Jid to) {
        sent.add(new Sent(Kind.FORWARD, stanza, from, to, null, null));
    }

    /** Recorded as a forward whose {@code presenceType} is {@link #ONE_RESOURCE}. */
    @Override
    public void forwardToOneResource(String stanza, Jid from, Jid to) {
        sent.add(new Sent(Kind.FORWARD, stanza, from, to, null, ONE_RESOURCE));
    }

    /** The mark of a forward sent with {@link #forwardToOneResource}. */
    static final String ONE_RESOURCE = "one-resource";

    @Override
    public void forwardRequest(String request, Jid from, Jid to, String id) {
        sent.add(new Sent(Kind.FORWARD, request, from, to, null, null, id));
    }

    /** Recorded as a forward of the answer (its label), to the sender. */
    @Override
    public void forwardAnswer(String answer, String request, Jid from, Jid to) {
        sent.add(new Sent(Kind.FORWARD, answer, from, to, null, null));
    }

    @Override
    public void error(String stanza, Jid from, Jid to, StanzaError error) {
        sent.add(new Sent(Kind.ERROR, stanza, from, to, error, null));
    }

    @Override
    public void presence(Jid from, Jid to, String type) {
        sent.add(new Sent(Kind.PRESENCE, null, from, to, null, type));
    }

    @Override
    public void result(String request, Jid from, Jid to, Payload payload) {
        sent.add(new Sent(Kind.RESULT, request, from, to, null, payload == null ? null : payload.toString()));
    }

    /**
     * Kept apart from the rest (see {@link #pings()}): resource health pings whatever holds a
     * request for seconds, which most tests do without being about it.
     */
    @Override
    public void ping(Jid from, Jid to, String id) {
        pings.add(new Sent(Kind.PING, null, from, to, null, null, id));
    }

    private final ConcurrentLinkedQueue<Sent> pings = new ConcurrentLinkedQueue<>();

    /** The pings sent since the last call, oldest first. */
    List<Sent> pings() {
        List<Sent> out = new ArrayList<>();
        Sent s;
        while ((s = pings.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    /** Tests label stanzas with strings; a label that looks like XML stands for a stanza with that child. */
    @Override
    public Payload childOf(String stanza) {
        return children.get(stanza);
    }

    private final java.util.Map<String, Payload> children = new java.util.concurrent.ConcurrentHashMap<>();

    /** Makes {@code label} stand for a stanza whose first child is {@code child}. */
    String withChild(String label, Payload child) {
        children.put(label, child);
        return label;
    }

    /** Everything sent since the last call, oldest first. */
    List<Sent> take() {
        List<Sent> out = new ArrayList<>();
        Sent s;
        while ((s = sent.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    /** The one stanza sent since the last call; fails if there were none or several. */
    Sent one() {
        List<Sent> all = take();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one stanza out, got " + all);
        }
        return all.get(0);
    }

    List<Sent> take(Predicate<Sent> which) {
        return take().stream().filter(which).toList();
    }
}
