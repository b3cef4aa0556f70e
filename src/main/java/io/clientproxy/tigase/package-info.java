/**
 * The Tigase adapter: the routing core as a component of Tigase 8.4 (one bean in {@code
 * config.tdsl}, the jar in {@code jars/}). It translates and does not route.
 *
 * <p>{@link io.clientproxy.tigase.ClientProxyComponent} is the component: options, lifecycle,
 * {@code processPacket} hands each packet to the core, the statistics. Around it, one concern per
 * file: {@code PacketOutbox} carries out the core's decisions as packets (every one with {@code
 * xmlns='jabber:client'}, without which Tigase's session manager ignores it); {@code TigaseJids},
 * {@code XmlText}, {@code PayloadElements} and {@code Elements} convert addresses, attribute
 * values, payloads and elements (in calls Tigase 8.4 has and master does not deprecate); {@code
 * ClusterCommands} is the core's cluster link over Tigase's cluster controller; {@code
 * RosterApproval} the {@code approve-in-roster} option; {@code ClassPathCopies} finds a second
 * copy of this jar on the class path. Compiled against a declaration of Tigase's API ({@code
 * src/tigase-api}), or the real artifacts with {@code -Ptigase}.
 */
package io.clientproxy.tigase;
