package io.clientproxy.core;

import java.util.concurrent.atomic.AtomicInteger;

/** One online resource of the target account, as its presence described it. */
public final class TargetResource {
    private final Jid jid;
    private final AtomicInteger inFlight = new AtomicInteger();
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
        return inFlight.get();
    }

    /** False once the resource has left the pool; requests still pointing at it must move. */
    public boolean isOnline() {
        return online;
    }

    void goOffline() {
        online = false;
    }

    AtomicInteger inFlightCounter() {
        return inFlight;
    }

    void setPriority(int priority) {
        this.priority = priority;
    }

    @Override
    public String toString() {
        return jid + " (priority " + priority + ", in flight " + inFlight.get() + ")";
    }
}
