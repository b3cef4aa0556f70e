package io.clientproxy.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The target's online resources. Reads (every request) take a snapshot without locking; changes
 * (presence) copy the array under a lock, which suits a pool that changes rarely and is read often.
 */
public final class ResourcePool {
    private static final TargetResource[] EMPTY = new TargetResource[0];

    private volatile TargetResource[] online = EMPTY;

    /** The online resources now; the array is never modified, callers must not modify it either. */
    public TargetResource[] snapshot() {
        return online;
    }

    public int size() {
        return online.length;
    }

    /**
     * Records an available presence.
     *
     * @return true if the resource was not online before
     */
    public synchronized boolean upsert(Jid jid, int priority) {
        TargetResource[] current = online;
        for (int i = 0; i < current.length; i++) {
            if (current[i].jid().equals(jid)) {
                // One object per online session: pending requests point at it until it goes offline.
                current[i].setPriority(priority);
                return false;
            }
        }
        TargetResource[] next = new TargetResource[current.length + 1];
        System.arraycopy(current, 0, next, 0, current.length);
        next[current.length] = new TargetResource(jid, priority);
        online = next;
        return true;
    }

    /**
     * Takes a resource out of the pool and marks every object that stood for it offline.
     *
     * @return true if it was online
     */
    public synchronized boolean remove(Jid jid) {
        TargetResource[] current = online;
        for (int i = 0; i < current.length; i++) {
            if (current[i].jid().equals(jid)) {
                TargetResource[] next = new TargetResource[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                online = next;
                current[i].goOffline();
                return true;
            }
        }
        return false;
    }

    /** Takes every resource out of the pool; returns their addresses. */
    public synchronized List<Jid> clear() {
        TargetResource[] current = online;
        online = EMPTY;
        List<Jid> gone = new ArrayList<>(current.length);
        for (TargetResource r : current) {
            r.goOffline();
            gone.add(r.jid());
        }
        return gone;
    }
}
