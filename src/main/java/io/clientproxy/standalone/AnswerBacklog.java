package io.clientproxy.standalone;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Answers owed to senders that could not be sent because the stream was down: the errors for
 * requests that were pending when the connection was lost, and replies whose write failed. They
 * go out as soon as a stream is authenticated again; whatever is still here when the proxy stops
 * is lost, and counted as such. Bounded, so that a long outage cannot exhaust memory.
 */
final class AnswerBacklog {
    private static final Logger log = Logger.getLogger(AnswerBacklog.class.getName());
    /** How many lost answers a log line names; the rest are only counted. */
    private static final int NAMED_IN_LOG = 10;

    private final int capacity;
    private final StandaloneCounters counters;
    private final ArrayDeque<XmlElement> held = new ArrayDeque<>();

    AnswerBacklog(int capacity, StandaloneCounters counters) {
        this.capacity = capacity;
        this.counters = counters;
    }

    void add(XmlElement answer) {
        synchronized (this) {
            if (held.size() < capacity) {
                held.addLast(answer);
                return;
            }
        }
        lost(List.of(answer), "more than " + capacity + " answers are waiting for the connection");
    }

    /**
     * Sends the held answers in order; stops at the first that cannot be sent and keeps it.
     *
     * @return how many were sent
     */
    int sendAll(StanzaSink sink) {
        int sent = 0;
        while (true) {
            XmlElement next;
            synchronized (this) {
                next = held.pollFirst();
            }
            if (next == null) {
                return sent;
            }
            if (!sink.send(next)) {
                synchronized (this) {
                    held.addFirst(next);
                }
                return sent;
            }
            sent++;
        }
    }

    synchronized int size() {
        return held.size();
    }

    /** Gives up on everything held: counts and logs it as lost. */
    void discard(String why) {
        List<XmlElement> all;
        synchronized (this) {
            all = new ArrayList<>(held);
            held.clear();
        }
        lost(all, why);
    }

    private void lost(List<XmlElement> answers, String why) {
        if (answers.isEmpty()) {
            return;
        }
        counters.add(StandaloneCounter.LOST_REQUESTS, answers.size());
        StringBuilder sb = new StringBuilder();
        sb.append(answers.size()).append(answers.size() == 1 ? " request" : " requests")
                .append(" could not be answered (").append(why).append("):");
        for (int i = 0; i < answers.size() && i < NAMED_IN_LOG; i++) {
            XmlElement a = answers.get(i);
            sb.append(' ').append(a.attribute("to")).append(" id=").append(a.attribute("id"));
            sb.append(i + 1 < answers.size() ? "," : "");
        }
        if (answers.size() > NAMED_IN_LOG) {
            sb.append(" and ").append(answers.size() - NAMED_IN_LOG).append(" more");
        }
        log.warning(sb::toString);
    }
}
