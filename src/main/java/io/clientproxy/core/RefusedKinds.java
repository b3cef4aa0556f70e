package io.clientproxy.core;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kinds of request (the payload's namespace) one resource of the target answers
 * {@code feature-not-implemented} or {@code service-unavailable} while another resource gave a
 * result for the very same request: a second client on the bot's account that does not run the
 * service, or a resource started without one of its features. After {@link #STRIKES} such
 * refusals in a row for a namespace (after the first, a refused set of the kind counts too: a set
 * is never tried elsewhere) the resource gets no more requests of it for
 * {@link #REFUSAL_MILLIS}, or until its next presence; a result from it for the namespace ends
 * the run. At most {@link #MAX_NAMESPACES} namespaces per resource (the oldest is forgotten).
 * Thread-safe.
 */
final class RefusedKinds {
    /** Refusals in a row, each answered by another resource, before a resource stops getting that kind. */
    static final int STRIKES = 2;
    /** How long a resource stops getting a kind of request it refused (ms), unless its presence comes first. */
    static final long REFUSAL_MILLIS = 600_000;
    static final int MAX_NAMESPACES = 16;

    private static final class Entry {
        int strikes;
        long until;
    }

    private final Map<String, Entry> byNamespace = new LinkedHashMap<>();

    /**
     * One more refusal of {@code namespace} that another resource then served.
     *
     * @return true when this one makes the resource stop getting the namespace
     */
    synchronized boolean strike(String namespace, long now) {
        Entry e = byNamespace.get(namespace);
        if (e == null) {
            if (byNamespace.size() >= MAX_NAMESPACES) {
                Iterator<String> oldest = byNamespace.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            e = new Entry();
            byNamespace.put(namespace, e);
        }
        if (e.until > now) {
            return false;
        }
        if (++e.strikes >= STRIKES) {
            e.until = now + REFUSAL_MILLIS;
            return true;
        }
        return false;
    }

    /**
     * Whether it has refused {@code namespace} before while another resource served the same
     * request: then a refusal of a set of that kind (which is not tried elsewhere) counts too.
     */
    synchronized boolean corroborated(String namespace) {
        Entry e = byNamespace.get(namespace);
        return e != null && e.strikes > 0;
    }

    /** The resource gave a result for {@code namespace}: it can serve it after all. */
    synchronized void served(String namespace) {
        byNamespace.remove(namespace);
    }

    synchronized boolean refuses(String namespace, long now) {
        Entry e = byNamespace.get(namespace);
        return e != null && e.until > now;
    }

    /** The namespaces it does not get now, for list-resources. */
    synchronized String describe(long now) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Entry> e : byNamespace.entrySet()) {
            if (e.getValue().until > now) {
                sb.append(sb.length() == 0 ? "" : " ").append(e.getKey());
            }
        }
        return sb.toString();
    }

    synchronized boolean isEmpty() {
        return byNamespace.isEmpty();
    }
}
