package io.clientproxy.core;

import java.util.function.LongSupplier;

/**
 * Messages (RFC 6121 5, the {@code messages} setting): a sender's message goes to one resource of
 * the target, the same for a sender while it is online, so a conversation stays together; the
 * target's message to {@code component/<token>} goes to the sender the token maps; a sender's
 * message error goes back to the resource that sent it the message. With messages off, a
 * message is answered {@code feature-not-implemented} (an error message is never answered:
 * RFC 6120 8.3.1).
 */
final class MessageRouting<S> {
    static final StanzaError MESSAGES_OFF = StanzaError.of(Condition.FEATURE_NOT_IMPLEMENTED,
            "this service proxies IQ requests only");
    static final StanzaError UNKNOWN_SENDER = StanzaError.of(Condition.ITEM_NOT_FOUND,
            "no sender is mapped to this address");

    private final ProxySettings settings;
    private final Jid component;
    private final Jid target;
    private final JatTable<S> table;
    private final LongSupplier clock;
    private final ProxyCounters counters;
    private final Outbox<S> outbox;
    private final Refusals<S> refusals;
    private final TargetPresence<S> presence;
    private final ClusterNode<S> cluster;

    MessageRouting(ProxySettings settings, Jid component, JatTable<S> table, LongSupplier clock, ProxyCounters counters,
                   Outbox<S> outbox, Refusals<S> refusals, TargetPresence<S> presence, ClusterNode<S> cluster) {
        this.settings = settings;
        this.component = component;
        this.target = settings.target();
        this.table = table;
        this.clock = clock;
        this.counters = counters;
        this.outbox = outbox;
        this.refusals = refusals;
        this.presence = presence;
        this.cluster = cluster;
    }

    /** A message addressed to the component; one without {@code from} is dropped. */
    void onMessage(S stanza, Jid from, Jid to, String type) {
        if (from == null) {
            refusals.drop(DropReason.NO_FROM, stanza);
            return;
        }
        Jid replyFrom = to == null ? component : to;
        boolean error = "error".equals(type);
        boolean fromTarget = from.hasBare(target.bare());
        if (!settings.messages()) {
            if (error) {
                refusals.drop(DropReason.ERROR_STANZA, stanza);
            } else {
                refusals.reject(stanza, replyFrom, from, MESSAGES_OFF);
            }
        } else if (fromTarget && to != null && !to.isBare()) {
            messageToSender(stanza, from, to, error);
        } else if (fromTarget) {
            if (error) {
                refusals.drop(DropReason.ERROR_STANZA, stanza);
            } else {
                refusals.reject(stanza, replyFrom, from, Refusals.TARGET_TO_COMPONENT);
            }
        } else if (error) {
            bounceToTarget(stanza, from);
        } else {
            messageToTarget(stanza, from, replyFrom);
        }
    }

    /** A sender's message goes to one resource, the same for a sender while it is online, so a conversation stays together. */
    private void messageToTarget(S stanza, Jid sender, Jid addressUsed) {
        long now = clock.getAsLong();
        TargetResource[] online = presence.resourcesFor(stanza, sender, addressUsed, now);
        if (online == null) {
            return;
        }
        Outcome outcome = table.mapMessageSender(sender, addressUsed, now);
        if (outcome instanceof StanzaError e) {
            refusals.reject(stanza, addressUsed, sender, e);
            return;
        }
        Jid encoded = ((JatTable.Route) outcome).from();
        counters.count(Counter.MESSAGES_TO_TARGET);
        outbox.forwardToOneResource(stanza, encoded, Balancer.rendezvous(online, sender).jid());
    }

    private void messageToSender(S stanza, Jid resource, Jid encoded, boolean error) {
        JatTable.Route route = table.routeToSender(encoded.resource(), resource);
        if (route == null) {
            if (cluster.handOver(stanza, encoded.resource())) {
                return;
            }
            if (error) {
                refusals.drop(DropReason.UNKNOWN_TOKEN, stanza);
            } else {
                cluster.unknownHere(stanza, encoded, resource, UNKNOWN_SENDER);
            }
            return;
        }
        counters.count(Counter.MESSAGES_TO_SENDERS);
        outbox.forward(stanza, route.from(), route.to());
    }

    /** A message error from a sender answers a message the target sent it: back to that resource. */
    private void bounceToTarget(S stanza, Jid sender) {
        JatTable.Route route = table.routeBounce(sender);
        if (route == null) {
            refusals.drop(DropReason.ERROR_STANZA, stanza);
            return;
        }
        counters.count(Counter.MESSAGE_BOUNCES);
        outbox.forward(stanza, route.from(), route.to());
    }
}
