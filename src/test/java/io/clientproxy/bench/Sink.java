package io.clientproxy.bench;

import io.clientproxy.core.Jid;
import io.clientproxy.core.StanzaError;

/**
 * The benchmarks' stanza handle ({@code S} of {@code ProxyCore<S>}). {@link SinkOutbox} writes
 * the addresses of the last stanza sent for it into its fields, so the core's output is kept
 * (not dead code) and a benchmark thread can answer exactly what the core forwarded: the
 * request's forwarded copy goes from {@link #from} (the encoded address) to {@link #to} (the
 * picked resource). Each benchmark thread has its own, so nothing here is shared between threads.
 */
final class Sink {
    Jid from;
    Jid to;
    /** The id the last forwarded request carried (what the target answers with). */
    String id;
    long forwards;
    long errors;
    StanzaError lastError;
}
