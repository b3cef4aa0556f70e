package io.clientproxy.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * This node's view of the other nodes of a cluster (README, "In a Tigase cluster"). In a
 * cluster, a stanza addressed to the component reaches the instance on the node where it
 * entered: a sender's request the node of the sender, the target's presence and answers the
 * node of the target's session. So each node tells the others what it learns of the target's
 * presence (they then know every resource and may send requests to any), and hands an answer to
 * an encoded address it does not know to the node whose token it is: opaque tokens carry a
 * 4-bit tag of the node that issued them ({@link JatCodec#nodeTagOf}); a transparent token, or a
 * tag no other node has, goes to every other node.
 *
 * <p>With no other node nothing is sent and nothing is looked up per stanza beyond one check.
 */
final class ClusterPeers<S> {
    private final ClusterLink<S> link;
    private final String localNode;
    /** Whether the calling thread is processing a stanza another node handed over (never handed on). */
    private final ThreadLocal<Boolean> handedOver = ThreadLocal.withInitial(() -> Boolean.FALSE);

    ClusterPeers(String localNode, ClusterLink<S> link) {
        this.localNode = localNode;
        this.link = link;
    }

    String localNode() {
        return localNode;
    }

    /** The 4-bit tag of a node's name that its opaque tokens carry. */
    static int tagOf(String node) {
        int h = node.hashCode();
        h ^= h >>> 16;
        h ^= h >>> 8;
        return (h ^ (h >>> 4)) & 0x0F;
    }

    /** Tells every other node. */
    void announce(TargetEvent event) {
        for (String node : link.otherNodes()) {
            link.send(node, event);
        }
    }

    void send(String node, TargetEvent event) {
        link.send(node, event);
    }

    /**
     * Hands a stanza for an encoded address this node does not know to the node(s) that may know
     * it: those whose tag the token carries, or all others. False when there is none, or the
     * stanza was itself handed over (so it never goes round).
     *
     * @param tag the token's node tag, -1 when it carries none
     */
    boolean handOver(S stanza, int tag) {
        if (handedOver.get()) {
            return false;
        }
        Collection<String> others = link.otherNodes();
        if (others.isEmpty()) {
            return false;
        }
        List<String> to = new ArrayList<>(1);
        if (tag >= 0) {
            for (String node : others) {
                if (tagOf(node) == tag) {
                    to.add(node);
                }
            }
        }
        if (to.isEmpty()) {
            to.addAll(others);
        }
        for (String node : to) {
            link.handOver(node, stanza);
        }
        return true;
    }

    /** Whether the calling thread is processing a stanza another node handed over. */
    boolean isHandedOver() {
        return handedOver.get();
    }

    /** Runs {@code processing} as the processing of a stanza another node handed over. */
    void handedOver(Runnable processing) {
        boolean before = handedOver.get();
        handedOver.set(Boolean.TRUE);
        try {
            processing.run();
        } finally {
            handedOver.set(before);
        }
    }
}
