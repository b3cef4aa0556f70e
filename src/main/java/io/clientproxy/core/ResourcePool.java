package io.clientproxy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The target's online resources. Reads (every request) take a snapshot without locking; changes
 * (presence) copy the array under a lock, which suits a pool that changes rarely and is read often.
 */
public final class ResourcePool {
    private static final TargetResource[] EMPTY = new TargetResource[0];

    private volatile TargetResource[] online = EMPTY;
    /** Set when a resource became suspect or left serving (see {@link ResourceHealth}); cleared lazily once none is. */
    private volatile boolean anySuspect;
    /** Set once a resource refuses a kind of request (see {@link RefusedKinds}); then requests are filtered by kind. */
    private volatile boolean anyRefusing;

    /** The online resources now; the array is never modified, callers must not modify it either. */
    public TargetResource[] snapshot() {
        return online;
    }

    /** The online resource with this full JID, or null. */
    TargetResource find(Jid jid) {
        for (TargetResource r : snapshot()) {
            if (r.jid().equals(jid)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The online resources a new request should go to at {@code now} (monotonic ms): those that
     * have not bounced a request lately and are {@link Liveness.State#SERVING serving}; when none
     * is, those not out of rotation; none at all (the caller answers {@code service-unavailable})
     * when every one is out of rotation (see {@link ResourceHealth}). Costs one volatile read
     * while every resource is healthy.
     */
    public TargetResource[] preferred(long now) {
        TargetResource[] all = online;
        if (!anySuspect) {
            return all;
        }
        int healthy = 0;
        int inRotation = 0;
        for (TargetResource r : all) {
            if (isHealthy(r, now)) {
                healthy++;
            }
            if (r.liveness().state() != Liveness.State.OUT_OF_ROTATION) {
                inRotation++;
            }
        }
        if (healthy == all.length) {
            anySuspect = false;
            return all;
        }
        if (healthy > 0) {
            return select(all, healthy, r -> isHealthy(r, now));
        }
        // None is above suspicion: any not out of rotation; none at all when every one is out.
        return inRotation == all.length ? all
                : select(all, inRotation, r -> r.liveness().state() != Liveness.State.OUT_OF_ROTATION);
    }

    private static boolean isHealthy(TargetResource r, long now) {
        return !r.isSuspect(now) && r.liveness().isServing();
    }

    private static TargetResource[] select(TargetResource[] all, int n, java.util.function.Predicate<TargetResource> keep) {
        TargetResource[] some = new TargetResource[n];
        int i = 0;
        for (TargetResource r : all) {
            if (keep.test(r) && i < n) {
                some[i++] = r;
            }
        }
        return i == n ? some : java.util.Arrays.copyOf(some, i);
    }

    /** A resource left serving: {@link #preferred} looks at each one again. */
    void markSuspect() {
        anySuspect = true;
    }

    /** Whether any resource has refused a kind of request (then requests are filtered by kind). */
    boolean anyRefusing() {
        return anyRefusing;
    }

    /** A resource refuses a kind of request: {@link #servingKind} filters from now on. */
    void markRefusing() {
        anyRefusing = true;
    }

    /**
     * Of {@code candidates}, those that do not refuse requests of {@code namespace} (see
     * {@link RefusedKinds}); all of them when every one does, or none has refused anything.
     */
    TargetResource[] servingKind(TargetResource[] candidates, String namespace, long now) {
        if (!anyRefusing || namespace == null) {
            return candidates;
        }
        int n = 0;
        for (TargetResource r : candidates) {
            if (!r.refuses(namespace, now)) {
                n++;
            }
        }
        return n == 0 || n == candidates.length ? candidates : select(candidates, n, r -> !r.refuses(namespace, now));
    }

    /** {@code resource} bounced a request: new requests avoid it until {@code until} (monotonic ms) or its next presence. */
    void suspect(TargetResource resource, long until) {
        resource.suspectUntil(until);
        anySuspect = true;
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
        return upsert(jid, priority, null);
    }

    /**
     * Records an available presence seen by cluster node {@code node} (null: this one). A resource
     * whose session moved to another node keeps its object: requests to it go to its full JID,
     * which the server routes to wherever the session is.
     *
     * @return true if the resource was not online before
     */
    public synchronized boolean upsert(Jid jid, int priority, String node) {
        TargetResource[] current = online;
        for (int i = 0; i < current.length; i++) {
            if (current[i].jid().equals(jid)) {
                // One object per online session: pending requests point at it until it goes offline.
                current[i].setPriority(priority);
                current[i].node(node);
                // A presence says the session is alive after all.
                current[i].suspectUntil(0);
                return false;
            }
        }
        TargetResource[] next = new TargetResource[current.length + 1];
        System.arraycopy(current, 0, next, 0, current.length);
        TargetResource added = new TargetResource(jid, priority);
        added.node(node);
        next[current.length] = added;
        online = next;
        return true;
    }

    /** The resources whose presence cluster node {@code node} reported (null: this node's own). */
    public List<TargetResource> ofNode(String node) {
        List<TargetResource> out = new ArrayList<>();
        for (TargetResource r : online) {
            if (Objects.equals(r.node(), node)) {
                out.add(r);
            }
        }
        return out;
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
