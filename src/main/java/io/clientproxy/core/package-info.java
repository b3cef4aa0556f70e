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
 * Shared by the areas: {@code Refusals} (stanza errors and drops, counted), {@code ProxyCounters},
 * and the routing state, in shards ({@code JatShard}: one lock over a shard's indexes, a sender
 * and its token always in the same shard):
 * <ul>
 * <li>{@code JatTable}: the JAT, who each {@code <component>/<token>} stands for ({@code
 *     SenderMapping}; tokens from {@code JatCodec}, opaque ones by slot in {@code TokenSlots}), made
 *     on first contact, forgotten when idle ({@code jat-idle-timeout}) or for room ({@code
 *     max-mappings}); the message routes</li>
 * <li>{@code PendingTable}: the pending requests both ways ({@code PendingRequest}), admitted within
 *     {@code MaxPending} ({@code max-pending}) and the per-sender bounds, matched to their reply,
 *     moved, timed out</li>
 * </ul>
 * {@code ProtocolAreas} builds the areas and this state once per core and hands each what it
 * needs. The envelope of an incoming IQ is {@link io.clientproxy.core.Iq}.
 */
package io.clientproxy.core;
