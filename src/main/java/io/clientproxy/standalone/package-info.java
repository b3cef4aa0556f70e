/**
 * The standalone mode: the routing core as an external component (XEP-0114) of any XMPP server.
 *
 * <p>Entry points: {@link io.clientproxy.standalone.Main} for {@code java -jar}, and
 * {@link io.clientproxy.standalone.StandaloneProxy#start} with
 * {@link io.clientproxy.standalone.StandaloneSettings} for use in the same JVM (tests, embedding).
 *
 * <p>Inside: {@code ComponentConnection} keeps one {@code ComponentStream} (socket, handshake,
 * {@code StanzaReader} on Woodstox, batching writer) up, reconnects with backoff and hands what it
 * reads to the proxy; {@code StanzaDispatcher} feeds received
 * {@link io.clientproxy.standalone.XmlElement}s to the core; {@code ElementOutbox} turns the
 * core's decisions into stanzas, and holds the answers the stream could not take until it is
 * back. Nothing here depends on Tigase; the one library,
 * Woodstox, is embedded in the jar under {@code io.clientproxy.shaded}.
 */
package io.clientproxy.standalone;
