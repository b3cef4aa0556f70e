package io.clientproxy.core;

import java.util.function.LongSupplier;

/**
 * The protocol areas of one core and the state they share, built once, each handed what it needs
 * through its constructor: so they are built in the order of their dependencies, and none of them
 * knows {@link ProxyCore}, which only dispatches to them.
 */
final class ProtocolAreas<S> {
    final ProxyCounters counters = new ProxyCounters();
    final ResourcePool pool = new ResourcePool();
    final JatTable<S> table;
    final PendingTable<S> pending;
    final Refusals<S> refusals;
    final ClusterNode<S> cluster;
    final ResourceHealth<S> health;
    final TargetPresence<S> presence;
    final ServicePresence<S> servicePresence;
    final SenderRequests<S> senderRequests;
    final TargetRequests<S> targetRequests;
    final MessageRouting<S> messages;
    final Disco<S> disco;
    final AdminCommands<S> commands;
    final ClusterSync<S> clusterSync;

    /**
     * See {@link ProxyCore#ProxyCore(ProxySettings, Jid, Outbox, Balancer, LongSupplier, int)}.
     *
     * @param component the component's bare address
     */
    ProtocolAreas(ProxySettings settings, Jid component, Outbox<S> outbox, Balancer balancer, LongSupplier clock,
                  int shards) {
        table = new JatTable<>(settings, component, shards, counters);
        pending = new PendingTable<>(table, settings, counters);
        refusals = new Refusals<>(outbox, counters);
        cluster = new ClusterNode<>(table, counters, refusals);
        Relocation<S> relocation = new Relocation<>(pending, pool, balancer, clock, counters, outbox, refusals);
        health = new ResourceHealth<>(settings, component, pool, pending, relocation, outbox, counters, refusals, cluster,
                clock);
        presence = new TargetPresence<>(settings, component, outbox, clock, counters, pool, pending, refusals, relocation,
                cluster, health);
        servicePresence = new ServicePresence<>(settings, component, outbox, counters, pool, refusals);
        senderRequests = new SenderRequests<>(pending, pool, balancer, clock, counters, outbox, refusals, relocation,
                presence, cluster, health);
        targetRequests = new TargetRequests<>(settings, pending, clock, counters, outbox, refusals, relocation, presence,
                cluster);
        messages = new MessageRouting<>(settings, component, table, clock, counters, outbox, refusals, presence, cluster);
        disco = new Disco<>(settings, component, pool, counters, outbox, refusals);
        commands = new AdminCommands<>(settings, component, outbox, counters, pool, table, pending, refusals, presence,
                cluster, clock);
        clusterSync = new ClusterSync<>(cluster, presence, pool, counters, clock);
    }
}
