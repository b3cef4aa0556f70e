package io.clientproxy.core;

/**
 * This node's place in a cluster, shared by every area that deals with the other nodes: what it
 * learns first-hand of the target's presence goes to them ({@link #announce}), and a stanza to an
 * encoded address it does not know goes to the node that issued the address ({@link #handOver}).
 * Outside a cluster (the default) it announces nothing and hands nothing over.
 */
final class ClusterNode<S> {
    private final JatTable<S> table;
    private final ProxyCounters counters;
    private final Refusals<S> refusals;
    /** This node's view of the other nodes; null when not in a cluster. */
    private volatile ClusterPeers<S> peers;

    ClusterNode(JatTable<S> table, ProxyCounters counters, Refusals<S> refusals) {
        this.table = table;
        this.counters = counters;
        this.refusals = refusals;
    }

    /** Joins a cluster as {@code localNode}: new opaque tokens name this node from now on. */
    void join(String localNode, ClusterLink<S> link) {
        table.nodeTag(ClusterPeers.tagOf(localNode));
        peers = new ClusterPeers<>(localNode, link);
    }

    /** The other nodes, or null when not in a cluster. */
    ClusterPeers<S> peers() {
        return peers;
    }

    /** This node's name, or {@code this node} when not in a cluster. */
    String localNode() {
        ClusterPeers<S> p = peers;
        return p == null ? "this node" : p.localNode();
    }

    /** Tells the other nodes a fact about the target's presence learnt here. */
    void announce(TargetEvent event) {
        ClusterPeers<S> p = peers;
        if (p != null) {
            p.announce(event);
        }
    }

    /** A stanza to an encoded address this node does not know: to the node(s) that may know it. */
    boolean handOver(S stanza, String token) {
        return handOver(stanza, table.nodeTagOf(token));
    }

    /** A stanza for the node with 4-bit tag {@code tag} (-1: unknown, to every other node); false when not handed over. */
    boolean handOver(S stanza, int tag) {
        ClusterPeers<S> p = peers;
        if (p != null && p.handOver(stanza, tag)) {
            counters.count(Counter.HANDED_OVER);
            return true;
        }
        return false;
    }

    /** A reply that finds no request here: handed to another node when its token is not this node's, else dropped. */
    void dropOrHandOver(DropReason reason, S stanza, String token) {
        if (reason != DropReason.UNKNOWN_TOKEN || !handOver(stanza, token)) {
            refusals.drop(reason, stanza);
        }
    }

    /**
     * A request or message from the target to an encoded address that maps nobody here. Answered
     * with the error, unless another node handed it over: the node it came from, or another it
     * went to, may know the address, and one answer at most may come back.
     */
    void unknownHere(S stanza, Jid encoded, Jid asker, StanzaError error) {
        ClusterPeers<S> p = peers;
        if (p != null && p.isHandedOver()) {
            refusals.drop(DropReason.UNKNOWN_TOKEN, stanza);
        } else {
            refusals.reject(stanza, encoded, asker, error);
        }
    }

    /** Runs the processing of a stanza another node handed over; it is never handed on again. */
    void handedOver(Runnable processing) {
        ClusterPeers<S> p = peers;
        if (p == null) {
            processing.run();
        } else {
            p.handedOver(processing);
        }
    }
}
