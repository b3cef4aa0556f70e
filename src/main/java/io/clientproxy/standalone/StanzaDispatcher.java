package io.clientproxy.standalone;

import io.clientproxy.core.Condition;
import io.clientproxy.core.ErrorType;
import io.clientproxy.core.Iq;
import io.clientproxy.core.Jid;
import io.clientproxy.core.Outbox;
import io.clientproxy.core.ProxyCore;
import io.clientproxy.core.StanzaError;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each received element to the core with the facts it decides on (addresses, id, type,
 * child count, priority). Never throws: a failure on one stanza is counted, logged and, for an
 * IQ request, answered with {@code internal-server-error}, since a request must always get an
 * answer.
 */
final class StanzaDispatcher {
    private static final Logger log = Logger.getLogger(StanzaDispatcher.class.getName());

    static final StanzaError INTERNAL_ERROR = StanzaError.of(Condition.INTERNAL_SERVER_ERROR,
            "the proxy failed on this request");

    /** Slots of the cache of parsed addresses (a power of two), and the longest address it keeps. */
    private static final int JID_CACHE_SLOTS = 512;
    private static final int JID_CACHE_MAX_LENGTH = 256;
    /**
     * Addresses parsed lately, by the hash of their text. The same few come again and again (the
     * component's, the target's resources, the senders', the tokens); parsing one allocates half a
     * dozen strings. Shared by all threads without a lock: an entry is immutable and replaced whole.
     */
    private static final CachedJid[] JIDS = new CachedJid[JID_CACHE_SLOTS];

    private static final BigInteger MIN_PRIORITY = BigInteger.valueOf(-128);
    private static final BigInteger MAX_PRIORITY = BigInteger.valueOf(127);

    private final ProxyCore<XmlElement> core;
    private final Outbox<XmlElement> outbox;
    private final StandaloneCounters counters;
    private final StanzaLimits limits;
    private final AtomicBoolean warnedForeign = new AtomicBoolean();

    StanzaDispatcher(ProxyCore<XmlElement> core, Outbox<XmlElement> outbox, StandaloneCounters counters,
            StanzaLimits limits) {
        this.core = core;
        this.outbox = outbox;
        this.counters = counters;
        this.limits = limits;
    }

    void dispatch(XmlElement stanza) {
        try {
            String to = stanza.attribute("to");
            Jid address = jid(to);
            if (isForeign(to, address)) {
                dropForeign(stanza);
            } else {
                route(stanza, address);
            }
        } catch (RuntimeException e) {
            counters.count(StandaloneCounter.INTERNAL_ERRORS);
            log.log(Level.WARNING, "failed on " + stanza.toXml(), e);
            if (isRequest(stanza)) {
                try {
                    answer(stanza, INTERNAL_ERROR);
                } catch (RuntimeException again) {
                    log.log(Level.WARNING, "could not answer " + stanza.toXml(), again);
                }
            }
        }
    }

    /**
     * A stanza over a {@link StanzaLimits} limit, skipped unparsed: a request is answered
     * {@code policy-violation} (modify: it would pass if made smaller, RFC 6120 8.3.3.12) from
     * the address it was sent to; anything else is dropped and counted by the limit.
     */
    void refused(StanzaLimits.Refused refused) {
        XmlElement stanza = refused.stanza();
        try {
            if (stanza != null && isForeign(stanza.attribute("to"), jid(stanza.attribute("to")))) {
                dropForeign(stanza);
                return;
            }
            if (stanza != null && isRequest(stanza) && stanza.attribute("id") != null
                    && answer(stanza, new StanzaError(Condition.POLICY_VIOLATION, ErrorType.MODIFY,
                            refused.violation().describe(limits)))) {
                counters.count(StandaloneCounter.REQUESTS_OVER_LIMIT);
            } else {
                counters.count(refused.violation().counter());
            }
            if (log.isLoggable(Level.FINE)) {
                log.fine("over the limit (" + refused.violation().key() + "): "
                        + (stanza == null ? "a stanza whose own start tag was too large" : stanza.toXml()));
            }
        } catch (RuntimeException e) {
            counters.count(StandaloneCounter.INTERNAL_ERRORS);
            log.log(Level.WARNING, "failed on a stanza over a limit", e);
        }
    }

    /**
     * Addressed to a domain other than the component's (the server gives it to the wrong
     * component): never acted on. A {@code to} of the component's domain with any local part or
     * resource is ours; so is a stanza without {@code to} (the server means this stream).
     */
    private boolean isForeign(String to, Jid address) {
        return to != null && (address == null || !address.domain().equalsIgnoreCase(core.component().domain()));
    }

    private void dropForeign(XmlElement stanza) {
        counters.count(StandaloneCounter.DROPPED_FOREIGN_DOMAIN);
        if (warnedForeign.compareAndSet(false, true)) {
            log.warning(() -> "the server sent this component (" + core.component() + ") a stanza addressed to "
                    + stanza.attribute("to") + " (from " + stanza.attribute("from") + "); dropped, as will be every other"
                    + " (counted as dropped/foreign-domain). Most likely several components share one listener that routes"
                    + " every one of its domains to each connection: in ejabberd, an ejabberd_service listener with"
                    + " several hosts and global_routes true (the default); set global_routes: false, or give each"
                    + " component a listener of its own");
        } else if (log.isLoggable(Level.FINE)) {
            log.fine("not for this component, dropped: " + stanza.toXml());
        }
    }

    private void route(XmlElement stanza, Jid to) {
        Jid from = jid(stanza.attribute("from"));
        String type = stanza.attribute("type");
        switch (stanza.name()) {
            case "iq" -> core.onIq(stanza, new Iq(from, to, stanza.attribute("id"), type, stanza.elementCount(),
                    childNamespace(stanza), "error".equals(type) ? errorCondition(stanza) : null));
            case "message" -> core.onMessage(stanza, from, to, type);
            case "presence" -> core.onPresence(stanza, from, to, type, priority(stanza));
            default -> {
                counters.count(StandaloneCounter.NOT_A_STANZA);
                if (log.isLoggable(Level.FINE)) {
                    log.fine("not a stanza, ignored: " + stanza.toXml());
                }
            }
        }
    }

    /** Answers an IQ request with an error, from the address it was sent to; false when it has no usable {@code from}. */
    private boolean answer(XmlElement request, StanzaError error) {
        Jid from = jid(request.attribute("from"));
        if (from == null) {
            return false;
        }
        Jid to = jid(request.attribute("to"));
        outbox.error(request, to == null ? core.component() : to, from, error);
        return true;
    }

    /** The defined condition of a stanza error (RFC 6120 8.3.3): the first child of {@code <error/>} in the stanzas namespace, or null. */
    static String errorCondition(XmlElement stanza) {
        XmlElement error = stanza.element("error");
        if (error == null) {
            return null;
        }
        for (XmlElement c : error.elements()) {
            if (Condition.STANZAS_NS.equals(c.namespaceIn(error)) && !"text".equals(c.name())) {
                return c.name();
            }
        }
        return null;
    }

    /** The namespace of the first child element (an IQ request has exactly one), or null. */
    static String childNamespace(XmlElement iq) {
        List<XmlNode> children = iq.children();
        for (int i = 0, size = children.size(); i < size; i++) {
            XmlNode n = children.get(i);
            if (n instanceof XmlElement child) {
                return child.namespaceIn(iq);
            }
        }
        return null;
    }

    static boolean isRequest(XmlElement stanza) {
        String type = stanza.attribute("type");
        return stanza.name().equals("iq") && ("get".equals(type) || "set".equals(type));
    }

    /** The address, or null when absent or not a JID (the core then drops or answers by its rules). */
    static Jid jid(String text) {
        if (text == null) {
            return null;
        }
        int h = text.hashCode();
        int slot = (h ^ (h >>> 16)) & (JID_CACHE_SLOTS - 1);
        CachedJid cached = JIDS[slot];
        if (cached != null && cached.text.equals(text)) {
            return cached.jid;
        }
        Jid parsed;
        try {
            parsed = Jid.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (text.length() <= JID_CACHE_MAX_LENGTH) {
            JIDS[slot] = new CachedJid(text, parsed);
        }
        return parsed;
    }

    /** A parsed address with the text it came from; {@link Jid} is immutable. */
    private record CachedJid(String text, Jid jid) {
    }

    /** The presence priority (RFC 6121 4.7.2.3): an integer from -128 to 127, 0 when absent or invalid. */
    static int priority(XmlElement presence) {
        XmlElement p = presence.element("priority");
        if (p == null) {
            return 0;
        }
        try {
            // BigInteger: an out-of-range number is still a number, clamped rather than ignored.
            return new BigInteger(p.text().trim()).max(MIN_PRIORITY).min(MAX_PRIORITY).intValue();
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
