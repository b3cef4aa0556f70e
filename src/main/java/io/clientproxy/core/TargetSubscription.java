package io.clientproxy.core;

/**
 * The component's subscription to the target's presence, and when to ask again. Every failure
 * in a row (a denial, an error presence, a {@code subscribe} left unanswered) doubles the wait
 * before the next request, up to a cap, so a client that always denies is asked rarely rather
 * than in a loop, and a request lost on the way (a bounce, a server that was not ready) is asked
 * again; a confirmation resets it. After {@code subscribed} the component probes, and probes
 * again with the same backoff until a presence of the target arrives (a probe while no resource
 * is online gets no answer at all, RFC 6121 4.3.2).
 */
final class TargetSubscription {
    /** What {@link #due} asks the caller to send. */
    enum Action { NONE, SUBSCRIBE, PROBE }

    private final long minMillis;
    private final long maxMillis;
    private SubscriptionState state = SubscriptionState.NEVER_ASKED;
    /** Failures (subscription) or unanswered probes in a row. */
    private int failures;
    private long retryAt = -1;
    private Action retry = Action.NONE;
    /** Whether the current pending episode was reported (once per episode). */
    private boolean reported;

    TargetSubscription(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    private long backoff(int failuresInARow) {
        long wait = minMillis << Math.min(Math.max(failuresInARow - 1, 0), 30);
        return wait <= 0 || wait > maxMillis ? maxMillis : wait;
    }

    /** A {@code subscribe} went out at {@code now}: asked again after the backoff unless answered. */
    synchronized void requested(long now) {
        if (state != SubscriptionState.PENDING) {
            reported = false;
        }
        state = SubscriptionState.PENDING;
        schedule(Action.SUBSCRIBE, now + backoff(failures + 1));
    }

    /** {@code subscribed} came: probe now, and again later unless a presence comes. */
    synchronized void confirmed(long now) {
        state = SubscriptionState.SUBSCRIBED;
        failures = 0;
        schedule(Action.PROBE, now + backoff(1));
    }

    /** Another cluster node got {@code subscribed}: it probes, and tells this node what it learns. */
    synchronized void confirmedElsewhere() {
        state = SubscriptionState.SUBSCRIBED;
        failures = 0;
        schedule(Action.NONE, -1);
    }

    /** A presence of a target resource came: no need to probe again. */
    synchronized void presenceSeen() {
        if (state == SubscriptionState.SUBSCRIBED && retry == Action.PROBE) {
            failures = 0;
            schedule(Action.NONE, -1);
        }
    }

    /** @return how long (ms) until the next request */
    synchronized long denied(long now) {
        return failed(SubscriptionState.DENIED, now);
    }

    /** The target's server answered with an error presence. @return how long (ms) until the next request */
    synchronized long bounced(long now) {
        return failed(SubscriptionState.BOUNCING, now);
    }

    private long failed(SubscriptionState newState, long now) {
        if (state != newState) {
            reported = false;
        }
        state = newState;
        failures++;
        long wait = backoff(failures);
        schedule(Action.SUBSCRIBE, now + wait);
        return wait;
    }

    private void schedule(Action action, long at) {
        retry = action;
        retryAt = at;
    }

    /**
     * What to send now, once per scheduled retry: a {@code subscribe} not answered (or denied, or
     * bounced) counts as one more failure; a probe not answered as one more unanswered probe.
     */
    synchronized Action due(long now) {
        if (retry == Action.NONE || now < retryAt) {
            return Action.NONE;
        }
        Action a = retry;
        if (a == Action.SUBSCRIBE && state == SubscriptionState.PENDING) {
            failures++;
        } else if (a == Action.PROBE) {
            failures++;
            schedule(Action.PROBE, now + backoff(failures + 1));
        }
        if (a == Action.SUBSCRIBE) {
            schedule(Action.NONE, -1);
        }
        return a;
    }

    /** True once per episode of a state that keeps the target's resources unknown: the caller reports it. */
    synchronized boolean shouldReport() {
        if (reported || state == SubscriptionState.SUBSCRIBED || state == SubscriptionState.NEVER_ASKED) {
            return false;
        }
        reported = true;
        return true;
    }

    synchronized SubscriptionState state() {
        return state;
    }

    synchronized boolean isConfirmed() {
        return state == SubscriptionState.SUBSCRIBED;
    }

    /** Forgets everything: a new stream, where nothing was asked yet. */
    synchronized void reset() {
        state = SubscriptionState.NEVER_ASKED;
        failures = 0;
        reported = false;
        schedule(Action.NONE, -1);
    }
}
