package io.clientproxy.bench;

import io.clientproxy.core.Jid;
import io.clientproxy.core.Outbox;
import io.clientproxy.core.StanzaError;

/** An outbox that only keeps the last values in the stanza handle's fields (see {@link Sink}). */
final class SinkOutbox implements Outbox<Sink> {
    volatile long presences;

    @Override
    public void forward(Sink stanza, Jid from, Jid to) {
        stanza.from = from;
        stanza.to = to;
        stanza.forwards++;
    }

    @Override
    public void forwardRequest(Sink request, Jid from, Jid to, String id) {
        request.id = id;
        forward(request, from, to);
    }

    @Override
    public void forwardAnswer(Sink answer, Sink request, Jid from, Jid to) {
        forward(answer, from, to);
    }

    @Override
    public void forwardToOneResource(Sink stanza, Jid from, Jid to) {
        forward(stanza, from, to);
    }

    @Override
    public void error(Sink stanza, Jid from, Jid to, StanzaError error) {
        stanza.from = from;
        stanza.to = to;
        stanza.errors++;
        stanza.lastError = error;
    }

    @Override
    public void presence(Jid from, Jid to, String type) {
        presences++;
    }

    @Override
    public void result(Sink request, Jid from, Jid to, io.clientproxy.core.Payload payload) {
        forward(request, from, to);
    }

    volatile long pings;

    @Override
    public void ping(Jid from, Jid to, String id) {
        pings++;
    }

    @Override
    public io.clientproxy.core.Payload childOf(Sink stanza) {
        return null;
    }
}
