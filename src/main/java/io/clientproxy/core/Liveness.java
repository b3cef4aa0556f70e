package io.clientproxy.core;

/**
 * Where one resource of the target stands in the proxy's eyes (see {@link ResourceHealth}): its
 * state, since when and why, and the XEP-0199 ping that decides it. Changed by the tick, by
 * ping answers and by presence, under this object's lock; read without it by every request.
 */
public final class Liveness {
    /** The states a resource goes through; names as {@code list-resources} and the statistics show them. */
    public enum State {
        /** Gets new requests. */
        SERVING("serving"),
        /** Has held a request longer than its suspicion time and was pinged: new requests go elsewhere while the ping is out. */
        SUSPECTED("suspected"),
        /** Did not answer the ping in time: no new requests, its gets moved; pinged again with backoff. */
        OUT_OF_ROTATION("out-of-rotation");

        private final String key;

        State(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private volatile State state = State.SERVING;
    private volatile long since;
    private volatile String why = "online";
    /** The id of the last ping sent to it (an answer to it, however late, shows the resource alive); null before the first. */
    String pingId;
    /** When the outstanding ping is overdue (monotonic ms); 0 when none is out. */
    long pingDeadline;
    long pingSentAt;
    /** When it last answered a ping (monotonic ms): requests it held before then do not make it suspect again. */
    long aliveAt;
    /** Out of rotation: when to ping again, and the wait after that one. */
    long nextProbe;
    long backoff;


    public State state() {
        return state;
    }

    /** Monotonic ms of the last change of state. */
    public long since() {
        return since;
    }

    /** Why it is in its state: the evidence, in words. */
    public String why() {
        return why;
    }

    boolean isServing() {
        return state == State.SERVING;
    }

    void set(State state, long now, String why) {
        this.state = state;
        this.since = now;
        this.why = why;
    }
}
