package io.clientproxy.tigase;

import java.util.logging.Level;
import tigase.server.AbstractMessageReceiver;
import tigase.stats.StatisticsList;

/**
 * Reads a component's statistics the way Tigase's stats component does, at the most detailed level.
 * StatisticsList is deprecated in Tigase 8.4 but still what components report into.
 */
@SuppressWarnings("deprecation")
final class Statistics {
    private final StatisticsList list;
    private final String component;

    private Statistics(StatisticsList list, String component) {
        this.list = list;
        this.component = component;
    }

    static Statistics of(AbstractMessageReceiver c) {
        StatisticsList list = new StatisticsList(Level.ALL);
        c.getStatistics(list);
        return new Statistics(list, c.getName());
    }

    long get(String description) {
        long v = list.getValue(component, description, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            throw new AssertionError("no statistic " + component + "/" + description);
        }
        return v;
    }
}
