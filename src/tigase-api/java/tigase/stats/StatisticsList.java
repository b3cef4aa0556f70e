package tigase.stats;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.logging.Level;

/**
 * Compile-time declaration of {@code tigase.stats.StatisticsList} (tigase-server 8.4.0, deprecated
 * there), the list a component fills in {@code getStatistics(StatisticsList)}. Behaviour as the real
 * class: {@code add(...)} keeps a record only if its level is at least the list's level
 * ({@link #checkLevel(Level)}) <em>and</em> its value is greater than zero, unless the list's level
 * admits {@link Level#FINEST}; zero and negative values are otherwise dropped silently.
 * Records are kept per component in insertion order; a second record with the same description
 * replaces the first.
 */
@Deprecated
@SuppressWarnings({"rawtypes", "unchecked"})
public class StatisticsList
		implements Iterable<StatRecord> {

	private final Level statLevel;
	private final LinkedHashMap<String, LinkedHashMap<String, StatRecord>> stats = new LinkedHashMap<>();

	public StatisticsList(Level level) {
		this.statLevel = level;
	}

	public boolean add(String comp, String description, long value, Level recordLevel) {
		return addEntry(comp, description, recordLevel, new StatRecord(comp, description, value, recordLevel));
	}

	public boolean add(String comp, String description, int value, Level recordLevel) {
		return addEntry(comp, description, recordLevel, new StatRecord(comp, description, value, recordLevel));
	}

	public boolean add(String comp, String description, String value, Level recordLevel) {
		return addEntry(comp, description, recordLevel, new StatRecord(comp, description, value, recordLevel));
	}

	public boolean add(String comp, String description, float value, Level recordLevel) {
		return addEntry(comp, description, recordLevel, new StatRecord(comp, description, value, recordLevel));
	}

	/** {@code true} if records of {@code recordLevel} are kept by this list. */
	public boolean checkLevel(Level recordLevel) {
		return recordLevel.intValue() >= statLevel.intValue();
	}

	public boolean checkLevel(Level recordLevel, long value) {
		return checkLevel(recordLevel) && (value != 0 || checkLevel(Level.FINEST));
	}

	public boolean checkLevel(Level recordLevel, int value) {
		return checkLevel(recordLevel) && (value != 0 || checkLevel(Level.FINEST));
	}

	public boolean checkLevel(Level recordLevel, StatRecord record) {
		return checkLevel(recordLevel) && (record.isNonZero() || checkLevel(Level.FINEST));
	}

	public Set<String> getCompNames() {
		return stats.keySet();
	}

	public LinkedHashMap<String, StatRecord> getCompStats(String comp) {
		return stats.get(comp);
	}

	/** The record's {@code long} value ({@code -1} if it was added as another type), or {@code def}. */
	public long getValue(String comp, String description, long def) {
		StatRecord rec = find(comp, description);
		return (rec != null) ? rec.getLongValue() : def;
	}

	public float getValue(String comp, String description, float def) {
		StatRecord rec = find(comp, description);
		return (rec != null) ? rec.getFloatValue() : def;
	}

	public int getValue(String comp, String description, int def) {
		StatRecord rec = find(comp, description);
		return (rec != null) ? rec.getIntValue() : def;
	}

	public String getValue(String comp, String description, String def) {
		StatRecord rec = find(comp, description);
		return (rec != null) ? rec.getValue() : def;
	}

	@Override
	public Iterator<StatRecord> iterator() {
		return new StatsIterator();
	}

	@Override
	public String toString() {
		return stats.toString();
	}

	private boolean addEntry(String comp, String description, Level recordLevel, StatRecord statRecord) {
		String desc = description.intern();
		if (checkLevel(recordLevel, statRecord)) {
			stats.computeIfAbsent(comp, k -> new LinkedHashMap<>()).put(desc, statRecord);
			return true;
		}
		return false;
	}

	private StatRecord find(String comp, String description) {
		LinkedHashMap<String, StatRecord> compStats = stats.get(comp);
		return (compStats != null) ? compStats.get(description) : null;
	}

	private class StatsIterator
			implements Iterator<StatRecord> {

		private final Iterator<LinkedHashMap<String, StatRecord>> compsIt = stats.values().iterator();
		private Iterator<StatRecord> recIt = null;

		@Override
		public boolean hasNext() {
			while (recIt == null || !recIt.hasNext()) {
				if (!compsIt.hasNext()) {
					return false;
				}
				recIt = compsIt.next().values().iterator();
			}
			return true;
		}

		@Override
		public StatRecord next() {
			if (!hasNext()) {
				throw new NoSuchElementException("No more statistics.");
			}
			return recIt.next();
		}
	}
}
