package io.clientproxy.core;

import java.util.Collection;

/**
 * How the core of one cluster node reaches the others (in Tigase, the cluster controller's
 * commands; in tests, an in-memory stand-in). Nodes are named as the adapter names them (Tigase:
 * the node's host name). Calls may come from any thread, never while the core holds a lock.
 *
 * @param <S> the adapter's handle on a received stanza
 */
public interface ClusterLink<S> {
    /** The other nodes now; empty when this node is alone (then nothing crosses the cluster). */
    Collection<String> otherNodes();

    /** Tells {@code node} a fact about the target's presence learnt here. */
    void send(String node, TargetEvent event);

    /**
     * Hands a stanza received here to {@code node}, whose core must process it as if it had
     * arrived there, inside {@link ProxyCore#handedOver(Runnable)}.
     */
    void handOver(String node, S stanza);
}
