package io.clientproxy.core;

/**
 * Where the core's decisions go. An adapter implements it by building and sending stanzas of its
 * own kind; {@code S} is the adapter's handle on a received stanza (the Tigase packet, a parsed
 * element), which the core keeps for as long as a request is pending and never looks into.
 *
 * <p>Calls may come from any thread, never while the core holds a lock.
 */
public interface Outbox<S> {
    /** XEP-0280 (Message Carbons) namespace, of {@code <private/>}. */
    String CARBONS_NS = "urn:xmpp:carbons:2";
    /** XEP-0334 (Message Processing Hints) namespace, of {@code <no-copy/>}. */
    String HINTS_NS = "urn:xmpp:hints";

    /** Send a copy of {@code stanza} with only its {@code from} and {@code to} replaced. */
    void forward(S stanza, Jid from, Jid to);

    /**
     * Send a copy of {@code request} (an IQ get or set) toward the target with its {@code from},
     * {@code to} and {@code id} replaced. {@code id} is the value of the new id (the adapter
     * escapes it as its XML needs): unique per forward, so an answer pairs with exactly the
     * forward it answers.
     */
    void forwardRequest(S request, Jid from, Jid to, String id);

    /**
     * Send a copy of {@code answer} (the target's result or error) to the sender with its
     * {@code from} and {@code to} replaced and the id of {@code request} exactly as the sender
     * wrote it.
     */
    void forwardAnswer(S answer, S request, Jid from, Jid to);

    /**
     * Send a copy of a sender's message to the one resource of the target chosen for it: as
     * {@link #forward}, plus two children that keep the server from copying it to the target's
     * other resources, each unless the message already has it: {@code <private
     * xmlns='urn:xmpp:carbons:2'/>} (XEP-0280 section 8, no carbon copies) and {@code <no-copy
     * xmlns='urn:xmpp:hints'/>} (XEP-0334 section 4.3). A bot with several resources and carbons
     * enabled would otherwise see, and answer, the message on every one.
     */
    void forwardToOneResource(S message, Jid from, Jid to);

    /**
     * Answer {@code stanza} with an error: same element name and id, {@code type='error'}, the
     * given addresses and an {@code <error/>} child.
     */
    void error(S stanza, Jid from, Jid to, StanzaError error);

    /** Send a presence of the given type ({@code null} for available) with no payload. */
    void presence(Jid from, Jid to, String type);

    /**
     * Answer {@code request} (an IQ) with a result: same id, the given addresses, and
     * {@code payload} as its child (none when null). For what the proxy answers itself: local disco,
     * ad-hoc commands.
     */
    void result(S request, Jid from, Jid to, Payload payload);

    /**
     * Send an XEP-0199 ping: {@code <iq type='get' id='id' from='from' to='to'><ping
     * xmlns='urn:xmpp:ping'/></iq>} (XEP-0199 section 4.2, component to client). For resource health.
     */
    void ping(Jid from, Jid to, String id);

    /** The first child element of a received stanza, converted; null when it has none. */
    Payload childOf(S stanza);
}
