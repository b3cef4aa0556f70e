package io.clientproxy.standalone;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Answers owed to senders that could not be sent because the stream was down: the errors for
 * requests that were pending when the connection was lost, and replies whose write failed. They
 * go out as soon as a stream is authenticated again; whatever is still here when the proxy stops
 * is lost, and counted as such ({@link StandaloneCounter#LOST_REQUESTS}). Bounded, so that a long
 * outage cannot exhaust memory. Thread-safe.
 */
final class AnswerBacklog {
    private static final Logger log = Logger.getLogger(AnswerBacklog.class.getName());
    /** How many lost answers a log line names; the rest are only counted. */
    private static final int NAMED_IN_LOG = 10;

    private final BlockingDeque<XmlElement> held;
    private final StandaloneCounters counters;

    AnswerBacklog(int capacity, StandaloneCounters counters) {
        this.held = new LinkedBlockingDeque<>(capacity);
        this.counters = counters;
    }

    void add(XmlElement answer) {
        if (!held.offerLast(answer)) {
            lost(List.of(answer), "more than " + (held.size() + held.remainingCapacity()) + " answers are waiting for the connection");
        }
    }

    /**
     * Sends the held answers in order through {@code sink} (false: not sent); stops at the first
     * that cannot be sent and keeps it.
     *
     * @return how many were sent
     */
    int sendAll(Predicate<XmlElement> sink) {
        int sent = 0;
        for (XmlElement next; (next = held.pollFirst()) != null; sent++) {
            if (!sink.test(next)) {
                if (!held.offerFirst(next)) {
                    lost(List.of(next), "the backlog filled up while it was being sent");
                }
                break;
            }
        }
        return sent;
    }

    int size() {
        return held.size();
    }

    /** Gives up on everything held: counts and logs it as lost. */
    void discard(String why) {
        List<XmlElement> all = new ArrayList<>();
        held.drainTo(all);
        lost(all, why);
    }

    private void lost(List<XmlElement> answers, String why) {
        if (answers.isEmpty()) {
            return;
        }
        counters.add(StandaloneCounter.LOST_REQUESTS, answers.size());
        StringBuilder sb = new StringBuilder().append(answers.size()).append(answers.size() == 1 ? " request" : " requests")
                .append(" could not be answered (").append(why).append("):");
        for (XmlElement a : answers.subList(0, Math.min(NAMED_IN_LOG, answers.size()))) {
            sb.append(' ').append(a.attribute("to")).append(" id=").append(a.attribute("id")).append(',');
        }
        sb.setLength(sb.length() - 1);
        if (answers.size() > NAMED_IN_LOG) {
            sb.append(" and ").append(answers.size() - NAMED_IN_LOG).append(" more");
        }
        log.warning(sb::toString);
    }
}
