package io.clientproxy.core;

import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Cluster synchronisation: what the nodes of a cluster tell each other about the target's
 * presence, so that every node routes to every resource whichever node its session is on. A node
 * that joins learns what each node knows first-hand; a node that leaves takes its resources with
 * it; facts from other nodes enter the pool as if seen here, tagged with the node. Stanzas to
 * addresses another node issued are handed over by {@link ClusterNode}; {@link ClusterPeers} says
 * how events travel.
 */
final class ClusterSync<S> {
    private static final Logger log = Refusals.log;

    private final ClusterNode<S> cluster;
    private final TargetPresence<S> presence;
    private final ResourcePool pool;
    private final ProxyCounters counters;
    private final LongSupplier clock;

    ClusterSync(ClusterNode<S> cluster, TargetPresence<S> presence, ResourcePool pool, ProxyCounters counters,
                LongSupplier clock) {
        this.cluster = cluster;
        this.presence = presence;
        this.pool = pool;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * Another node joined, or this node's instance came up while it was there: it learns what this
     * node knows first-hand (the subscription, the resources whose presence came here) and is asked
     * for what it knows ({@link TargetEvent.Kind#HELLO}). Asking matters after a restart while no
     * target resource is online: Tigase holds the {@code subscribe} for the offline account, so the
     * subscription is known only to the other nodes, and what they sent when the link came up may
     * have arrived before this instance existed.
     */
    void nodeConnected(String node) {
        ClusterPeers<S> p = cluster.peers();
        if (p == null || node.equals(p.localNode())) {
            return;
        }
        tell(p, node);
        p.send(node, TargetEvent.of(TargetEvent.Kind.HELLO));
    }

    /** What this node knows first-hand, to {@code node}. */
    private void tell(ClusterPeers<S> p, String node) {
        if (presence.subscription().isConfirmed()) {
            p.send(node, TargetEvent.of(TargetEvent.Kind.SUBSCRIBED));
        }
        for (TargetResource r : pool.ofNode(null)) {
            p.send(node, new TargetEvent(TargetEvent.Kind.ONLINE, r.jid(), r.priority()));
        }
    }

    /**
     * A node left the cluster: the resources whose sessions were there are gone, and the requests
     * pending with them are settled as for any resource that goes offline.
     */
    void nodeDisconnected(String node) {
        for (TargetResource r : pool.ofNode(node)) {
            log.fine(() -> "cluster node " + node + " left with target resource " + r.jid());
            presence.resourceOffline(r.jid());
        }
    }

    /** A fact about the target's presence from cluster node {@code fromNode}. */
    void onEvent(String fromNode, TargetEvent event) {
        if (event.kind() != TargetEvent.Kind.HELLO) {
            counters.count(Counter.CLUSTER_EVENTS);
        }
        switch (event.kind()) {
            case ONLINE -> presence.resourceOnline(event.resource(), event.priority(), fromNode);
            case OFFLINE -> {
                TargetResource r = presence.find(event.resource());
                // Only the node that had its session may say it left: it may have moved here meanwhile.
                if (r != null && fromNode.equals(r.node())) {
                    presence.resourceOffline(event.resource());
                }
            }
            case ALL_OFFLINE -> presence.allResourcesOffline();
            case SUBSCRIBED -> presence.subscription().confirmedElsewhere();
            case DENIED -> {
                presence.allResourcesOffline();
                presence.subscription().denied(clock.getAsLong());
            }
            case HELLO -> {
                ClusterPeers<S> p = cluster.peers();
                if (p != null && !fromNode.equals(p.localNode())) {
                    tell(p, fromNode);
                }
            }
        }
    }
}
