package io.clientproxy.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service's own presence toward its users (RFC 6121 from the contact's side: 3.1.5 approving a
 * subscription, 3.3.3 an unsubscribe, 4.3.2 answering a probe, 4.4 and 4.5 broadcasting): anyone
 * allowed to use the service may subscribe to the component's presence and sees it
 * {@code available} while at least one resource of the target is online and not out of rotation
 * ({@link ResourceHealth}), {@code unavailable} otherwise. The component has no roster; the subscription lives in the user's roster, and the
 * user's server probes the component at every login (RFC 6121 4.3), which is how a restarted
 * component learns its subscribers again.
 *
 * <p>Subscriptions that should hear of a change are kept in memory: each user's bare JID with the
 * address it subscribed to (a user may subscribe to several addresses at the component's domain,
 * e.g. {@code proxy.example.com} and {@code svc@proxy.example.com}: each is told), at most
 * {@link #MAX_SUBSCRIBERS} of them (the longest-silent one is forgotten first; it hears again
 * after its next login's probe). A probe counts as a subscription: only a server that has one
 * in its user's roster sends it.
 * Senders that {@code allowed-senders} refuses get {@code unsubscribed} and nothing else.
 */
final class ServicePresence<S> {
    static final int MAX_SUBSCRIBERS = 10_000;

    private final ProxySettings settings;
    private final Jid component;
    private final Outbox<S> outbox;
    private final ProxyCounters counters;
    private final ResourcePool pool;
    private final Refusals<S> refusals;
    /** A user's bare JID and the bare address at the component it subscribed to. */
    private record Subscription(Jid user, Jid address) {
    }

    /** Eldest (longest silent) first. Guarded by this. */
    private final LinkedHashMap<Subscription, Boolean> subscribers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Subscription, Boolean> eldest) {
            return size() > MAX_SUBSCRIBERS;
        }
    };
    /** What the subscribers were last told (they are told at once when they subscribe). Guarded by this. */
    private boolean announcedServing;

    ServicePresence(ProxySettings settings, Jid component, Outbox<S> outbox, ProxyCounters counters, ResourcePool pool,
                    Refusals<S> refusals) {
        this.settings = settings;
        this.component = component;
        this.outbox = outbox;
        this.counters = counters;
        this.pool = pool;
        this.refusals = refusals;
    }

    /**
     * A presence to the component from anyone but the target. {@code subscribe} is approved
     * ({@code subscribed}, then the current presence) or, for a sender {@code allowed-senders}
     * refuses, denied ({@code unsubscribed}); a {@code probe} is answered with the current
     * presence; {@code unsubscribe} with {@code unavailable}. Errors and everything else are
     * dropped and counted.
     */
    synchronized void onPresence(S stanza, Jid from, Jid to, String type) {
        Jid address = to == null ? component : to.asBare();
        Jid user = from.asBare();
        if (type == null || "error".equals(type)) {
            refusals.drop(type == null ? DropReason.PRESENCE_IGNORED : DropReason.ERROR_STANZA, stanza);
            return;
        }
        boolean allowed = settings.allowedSenders().allows(from);
        switch (type) {
            case "subscribe" -> {
                if (!allowed) {
                    outbox.presence(address, user, "unsubscribed");
                    return;
                }
                remember(user, address);
                outbox.presence(address, user, "subscribed");
                send(address, user, serving());
            }
            case "probe" -> {
                if (!allowed) {
                    refusals.drop(DropReason.PRESENCE_IGNORED, stanza);
                    return;
                }
                remember(user, address);
                send(address, from, serving());
            }
            case "unsubscribe" -> {
                subscribers.remove(new Subscription(user, address));
                send(address, user, false);
            }
            default -> refusals.drop(DropReason.PRESENCE_IGNORED, stanza);
        }
    }

    /**
     * Tells every subscriber if the service went from serving to not serving or back since they
     * were last told. Call after anything that may change the pool; cheap when nothing changed.
     * Sends under the lock, so that subscribers see the changes in the order they happened.
     */
    synchronized void refresh() {
        boolean now = serving();
        if (now == announcedServing) {
            return;
        }
        announcedServing = now;
        for (Subscription s : subscribers.keySet()) {
            send(s.address(), s.user(), now);
        }
    }

    /** The component is stopping: every subscriber that last saw it available sees it unavailable. */
    synchronized void shutdown() {
        if (announcedServing) {
            announcedServing = false;
            for (Subscription s : subscribers.keySet()) {
                send(s.address(), s.user(), false);
            }
        }
    }

    synchronized int subscriberCount() {
        return subscribers.size();
    }

    /** A resource is online and not out of rotation ({@link ResourceHealth}): requests can be served. */
    private boolean serving() {
        for (TargetResource r : pool.snapshot()) {
            if (r.liveness().state() != Liveness.State.OUT_OF_ROTATION) {
                return true;
            }
        }
        return false;
    }

    private void remember(Jid user, Jid address) {
        subscribers.put(new Subscription(user, address), Boolean.TRUE);
    }

    private void send(Jid from, Jid to, boolean available) {
        counters.count(Counter.SERVICE_PRESENCE_SENT);
        outbox.presence(from, to, available ? null : "unavailable");
    }
}
