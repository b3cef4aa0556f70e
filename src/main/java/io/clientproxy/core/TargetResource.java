package io.clientproxy.core;

import java.util.concurrent.atomic.LongAdder;

/** One online resource of the target account, as its presence described it. */
public final class TargetResource {
    private final Jid jid;
    // A LongAdder, not an AtomicInteger: every request increments and decrements it, from many threads.
    private final LongAdder inFlight = new LongAdder();
    private volatile int priority;
    private volatile boolean online = true;

    TargetResource(Jid jid, int priority) {
        this.jid = jid;
        this.priority = priority;
    }

    public Jid jid() {
        return jid;
    }

    /** The presence priority (RFC 6121 4.7.2.3), 0 when the presence had none. */
    public int priority() {
        return priority;
    }

    /** Requests sent to this resource and not yet settled. */
    public int inFlight() {
        return inFlight.intValue();
    }

    /** False once the resource has left the pool; requests still pointing at it must move. */
    public boolean isOnline() {
        return online;
    }

    void goOffline() {
        online = false;
    }

    LongAdder inFlightCounter() {
        return inFlight;
    }

    void setPriority(int priority) {
        this.priority = priority;
    }

    @Override
    public String toString() {
        return jid + " (priority " + priority + ", in flight " + inFlight.intValue() + ")";
    }
}
