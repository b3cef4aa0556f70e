package io.clientproxy.core;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where every stanza the core does not route ends: answered with a stanza error (RFC 6120 8.3),
 * counted by its condition, or dropped and counted by its {@link DropReason}. Shared by every
 * protocol area, so that each refusal is counted and logged the same way. Also the errors more
 * than one area sends.
 */
final class Refusals<S> {
    /** The core logs under one name, whichever area speaks (logging configuration names it). */
    static final Logger log = Logger.getLogger(ProxyCore.class.getName());

    static final StanzaError NOT_ALLOWED = StanzaError.of(Condition.FORBIDDEN,
            "this service is not open to you");
    static final StanzaError TARGET_TO_COMPONENT = StanzaError.of(Condition.SERVICE_UNAVAILABLE,
            "the proxy offers no service of its own to the target account");
    static final StanzaError SHUTTING_DOWN = new StanzaError(Condition.SERVICE_UNAVAILABLE, ErrorType.WAIT,
            "the proxy is shutting down");

    private final Outbox<S> outbox;
    private final ProxyCounters counters;

    Refusals(Outbox<S> outbox, ProxyCounters counters) {
        this.outbox = outbox;
        this.counters = counters;
    }

    /** Answers {@code stanza} with {@code error}, from {@code from} to {@code to}. */
    void reject(S stanza, Jid from, Jid to, StanzaError error) {
        counters.count(error.condition());
        if (log.isLoggable(Level.FINEST)) {
            log.finest("error " + error.condition().xml() + " " + from + " -> " + to);
        }
        outbox.error(stanza, from, to, error);
    }

    /**
     * Answers whoever asked a pending request with {@code error}: the sender for a request from a
     * sender, the target's resource for a request from the target.
     */
    void answerAsker(PendingRequest<S> request, StanzaError error) {
        if (request.outbound) {
            reject(request.stanza, request.mapping.encoded, request.resource.jid(), error);
        } else {
            reject(request.stanza, request.addressUsed, request.sender(), error);
        }
    }

    void drop(DropReason reason, S stanza) {
        counters.count(reason);
        if (log.isLoggable(Level.FINEST)) {
            log.finest("dropped (" + reason.key() + "): " + stanza);
        }
    }
}
