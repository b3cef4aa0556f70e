/**
 * The routing engine: plain Java, no Tigase, no sockets, no XML. An adapter hands it each stanza
 * addressed to the component ({@link io.clientproxy.core.ProxyCore}, a dispatcher) and carries out
 * what it decides through an {@link io.clientproxy.core.Outbox}.
 *
 * <p>One protocol area, one file; each is handed what it needs when the core is built and never
 * calls back into the dispatcher:
 * <ul>
 * <li>{@code SenderRequests}: a sender's get or set to the target: admit, forward, answer, move,
 *     time out (RFC 6120 8.2.3); {@code Relocation}: a request whose resource is gone</li>
 * <li>{@code TargetRequests}: the target's get or set to a sender ({@code outbound-requests})</li>
 * <li>{@code TargetPresence}: the subscription to the target and its presence (RFC 6121 3, 4),
 *     the pool of online resources ({@code ResourcePool}, {@code TargetResource})</li>
 * <li>{@code ResourceHealth}: per-resource health: a resource that holds a request too long is
 *     pinged (XEP-0199), one that does not answer goes out of rotation (its gets move, its sets
 *     stay); one that refuses a kind of request others serve stops getting it ({@code
 *     RefusedKinds}); per resource, {@code Liveness} (state, since, why) and {@code ResourceStats}
 *     (requests, results, bot errors, timeouts, latency)</li>
 * <li>{@code ServicePresence}: the service's own presence toward its users (RFC 6121 3, 4, from
 *     the contact's side)</li>
 * <li>{@code MessageRouting}: messages both ways (RFC 6121 5)</li>
 * <li>{@code Disco}: what the component answers to service discovery itself (XEP-0030)</li>
 * <li>{@code AdminCommands}: ad-hoc commands for the administrators (XEP-0050, XEP-0004 forms)</li>
 * <li>{@code ClusterSync}: what the nodes of a cluster tell each other; {@code ClusterNode}: this
 *     node's link to them (announce, hand over)</li>
 * </ul>
 * Shared by the areas: {@code Refusals} (stanza errors and drops, counted), {@code JatTable} (the
 * mappings and pending requests, sharded), {@code ProxyCounters}. The envelope of an incoming IQ
 * is {@link io.clientproxy.core.Iq}.
 */
package io.clientproxy.core;
