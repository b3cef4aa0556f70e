package io.clientproxy.core;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence and the subscription to the target (RFC 6121 3, presence subscriptions; 4, exchanging
 * presence), and the pool of the target's online resources that follows from them. The component
 * asks the target for a subscription ({@code subscribe}), probes once it is {@code subscribed}
 * (never before: a server may take a probe from an unapproved contact as a denial), and keeps one
 * {@link TargetResource} per available resource. A resource that goes away takes its pending
 * requests with it: see {@link Relocation}.
 *
 * <p>Per-resource health lives next to this area, not in it: {@link #resourceOnline} and
 * {@link #resourceOffline} are where a resource's life starts and ends, and the pool's
 * {@link ResourcePool#preferred} is where new requests avoid an unhealthy resource (today: one
 * that bounced a request lately, or that {@link ResourceHealth} has suspected or taken out of
 * rotation). Liveness checks (XEP-0199 pings) are that area of their own; an available presence
 * tells it the resource is alive.
 */
final class TargetPresence<S> {
    private static final Logger log = Refusals.log;

    static final StanzaError NO_RESOURCE = StanzaError.of(Condition.SERVICE_UNAVAILABLE,
            "the service has no online resource right now");

    private final ProxySettings settings;
    private final Jid component;
    private final Jid target;
    private final Outbox<S> outbox;
    private final LongSupplier clock;
    private final ProxyCounters counters;
    private final ResourcePool pool;
    private final PendingTable<S> pending;
    private final TargetSubscription subscription;
    private final Refusals<S> refusals;
    private final Relocation<S> relocation;
    private final ClusterNode<S> cluster;
    private final ResourceHealth<S> health;

    TargetPresence(ProxySettings settings, Jid component, Outbox<S> outbox, LongSupplier clock,
                   ProxyCounters counters, ResourcePool pool, PendingTable<S> pending, Refusals<S> refusals,
                   Relocation<S> relocation, ClusterNode<S> cluster, ResourceHealth<S> health) {
        this.settings = settings;
        this.component = component;
        this.target = settings.target();
        this.outbox = outbox;
        this.clock = clock;
        this.counters = counters;
        this.pool = pool;
        this.pending = pending;
        this.refusals = refusals;
        this.relocation = relocation;
        this.cluster = cluster;
        this.health = health;
        this.subscription = new TargetSubscription(settings.resubscribeMin().toMillis(), settings.resubscribeMax().toMillis());
    }

    /** Starts the subscription over: {@code subscribe} now, the probe when {@code subscribed} comes back. */
    void subscribe() {
        subscription.reset();
        sendSubscribe();
    }

    private void sendSubscribe() {
        counters.count(Counter.SUBSCRIBES_SENT);
        subscription.requested(clock.getAsLong());
        outbox.presence(component, target, "subscribe");
    }

    private void sendProbe() {
        counters.count(Counter.PROBES_SENT);
        outbox.presence(component, target, "probe");
    }

    /** Re-subscribes or probes when due (backing off while the target denies or bounces). */
    void tick(long now) {
        switch (subscription.due(now)) {
            case SUBSCRIBE -> {
                if (subscription.state() == SubscriptionState.PENDING) {
                    // Not necessarily a refusal: a server may hold the request for an account with no
                    // resource online until it logs in (Tigase 8.4 does, even when it is approved).
                    report(() -> "target " + target + " has not answered the presence subscription request from "
                            + component + ": either no resource of " + target + " is online (its server may hold "
                            + "the request until one is), or the account " + target + " must approve it (any client "
                            + "can; it lives in the account's roster); meanwhile the proxy knows no resource and every "
                            + "request gets service-unavailable; asking again");
                }
                sendSubscribe();
            }
            case PROBE -> sendProbe();
            default -> {
            }
        }
    }

    /**
     * A presence addressed to the component. From the target: available (RFC 6121 4.4) and
     * unavailable (4.5) presence of a resource, or the subscription's answers (3.1.5, 3.1.6, 3.2,
     * 3.3); an error from the bare JID means the proxy's presence bounced (3.1.3, 4.3.2). Presence
     * from anyone else is {@link ServicePresence}'s.
     *
     * @param type     the raw {@code type} attribute, null for available
     * @param priority the {@code <priority/>} value, 0 when absent
     */
    void onPresence(S stanza, Jid from, Jid to, String type, int priority) {
        if (from == null) {
            refusals.drop(DropReason.NO_FROM, stanza);
            return;
        }
        if (type == null) {
            if (from.resource() == null) {
                refusals.drop(DropReason.PRESENCE_IGNORED, stanza);
            } else {
                resourceOnline(from, priority, null);
                cluster.announce(new TargetEvent(TargetEvent.Kind.ONLINE, from, priority));
            }
            return;
        }
        switch (type) {
            case "unavailable" -> {
                if (from.resource() == null) {
                    allResourcesOffline();
                    cluster.announce(TargetEvent.of(TargetEvent.Kind.ALL_OFFLINE));
                } else {
                    resourceOffline(from);
                    cluster.announce(new TargetEvent(TargetEvent.Kind.OFFLINE, from, 0));
                }
            }
            case "error" -> {
                if (from.resource() != null) {
                    resourceOffline(from);
                    cluster.announce(new TargetEvent(TargetEvent.Kind.OFFLINE, from, 0));
                } else {
                    // A stanza the proxy sent the account bounced (RFC 6121 3.1.3, 4.3.2): the
                    // resources' presence is not in question, the subscription is; ask again.
                    counters.count(Counter.SUBSCRIPTION_BOUNCES);
                    long wait = subscription.bounced(clock.getAsLong());
                    report(() -> "target " + target + " bounced the proxy's presence (error presence from its bare JID: "
                            + "its server is unreachable or the account does not exist yet); asking again in "
                            + wait / 1000 + " s");
                }
            }
            case "subscribed" -> approved();
            case "unsubscribed", "unsubscribe" -> {
                allResourcesOffline();
                cluster.announce(TargetEvent.of(TargetEvent.Kind.DENIED));
                counters.count(Counter.SUBSCRIPTION_DENIALS);
                long wait = subscription.denied(clock.getAsLong());
                report(() -> "target " + target + " sent '" + type + "': it does not let the proxy see its presence, so no "
                        + "request can reach it; the account " + target + " must approve the presence subscription from "
                        + component + " (any client can); asking again in " + wait / 1000 + " s");
            }
            case "subscribe" -> outbox.presence(component, target, "subscribed");
            case "probe" -> outbox.presence(component, from, null);
            default -> refusals.drop(DropReason.PRESENCE_IGNORED, stanza);
        }
    }

    /**
     * The subscription is approved, by {@code subscribed} or because an adapter wrote it into the
     * target's roster on the server (Tigase's {@code user-roster-management} command): the
     * component probes, and the other cluster nodes learn it.
     */
    void approved() {
        subscription.confirmed(clock.getAsLong());
        sendProbe();
        cluster.announce(TargetEvent.of(TargetEvent.Kind.SUBSCRIBED));
    }

    /** A resource is online, its presence seen by cluster node {@code node} (null: here). */
    void resourceOnline(Jid jid, int priority, String node) {
        subscription.presenceSeen();
        boolean first = pool.upsert(jid, priority, node);
        TargetResource r = find(jid);
        if (r != null) {
            // Available presence says the session is alive: whatever its health was, it serves.
            health.presence(r, first);
        }
        if (first) {
            counters.count(Counter.RESOURCES_ONLINE_EVENTS);
            log.fine(() -> "target resource online: " + jid + " priority " + priority + (node == null ? "" : " at node " + node));
        }
    }

    /** A resource went offline: out of the pool, and its pending requests move or are answered. */
    void resourceOffline(Jid jid) {
        TargetResource gone = find(jid);
        if (gone == null || !pool.remove(jid)) {
            return;
        }
        counters.count(Counter.RESOURCES_OFFLINE_EVENTS);
        log.fine(() -> "target resource offline: " + jid);
        for (PendingRequest<S> request : pending.pointingAt(gone)) {
            relocation.relocate(request, gone);
        }
    }

    void allResourcesOffline() {
        TargetResource[] before = pool.snapshot();
        pool.clear();
        for (TargetResource gone : before) {
            counters.count(Counter.RESOURCES_OFFLINE_EVENTS);
            for (PendingRequest<S> request : pending.pointingAt(gone)) {
                relocation.relocate(request, gone);
            }
        }
    }

    /**
     * Takes a resource out of the pool as if it had gone offline (admin command).
     *
     * @return false if it was not online
     */
    boolean dropResource(Jid jid) {
        if (find(jid) == null) {
            return false;
        }
        resourceOffline(jid);
        return true;
    }

    /** The online resource with this full JID, or null. */
    TargetResource find(Jid jid) {
        return pool.find(jid);
    }

    /**
     * The online resources a sender's request or message may go to; null, after answering it
     * ({@code forbidden}, or {@code service-unavailable} saying why), when the sender is not
     * allowed or no resource is online.
     */
    TargetResource[] resourcesFor(S stanza, Jid sender, Jid addressUsed, long now) {
        if (!settings.allowedSenders().allows(sender)) {
            refusals.reject(stanza, addressUsed, sender, Refusals.NOT_ALLOWED);
            return null;
        }
        TargetResource[] online = pool.preferred(now);
        if (online.length == 0) {
            refusals.reject(stanza, addressUsed, sender, noResource());
            return null;
        }
        return online;
    }

    /** The error for a request while no resource is known, saying why when the subscription is the reason. */
    private StanzaError noResource() {
        if (pool.size() > 0) {
            return ResourceHealth.ALL_OUT_OF_ROTATION;
        }
        String why = subscription.state().whyNoResource();
        return why == null ? NO_RESOURCE : StanzaError.of(Condition.SERVICE_UNAVAILABLE,
                "the service has no online resource the proxy knows of: " + why);
    }

    TargetSubscription subscription() {
        return subscription;
    }

    /** A subscription problem, logged at WARNING once per episode, at INFO while it lasts. */
    private void report(Supplier<String> message) {
        log.log(subscription.shouldReport() ? Level.WARNING : Level.INFO, message);
    }
}
