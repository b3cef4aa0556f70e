package tigase.stats;

import java.util.Collection;
import java.util.logging.Level;

/**
 * Compile-time declaration of {@code tigase.stats.StatRecord} (tigase-server 8.4.0, deprecated
 * there): one statistic of a {@link StatisticsList}. As in the real class, the typed getters return
 * only the value of the matching type: a record made from an {@code int} answers
 * {@code getLongValue() == -1}, and one made from a {@code long} answers {@code getIntValue() == -1}.
 * A record counts as "non-zero" only if its value is greater than zero (or, for strings, not empty).
 */
@Deprecated
public class StatRecord<E extends Number> {

	private Collection<E> collection = null;
	private String component = null;
	private String description = null;
	private float floatValue = -1f;
	private int intValue = -1;
	private Level level = Level.INFO;
	private long longValue = -1;
	private boolean nonZero = false;
	private String value = null;

	public StatRecord(String comp, String description, String value, Level level) {
		this.description = description.intern();
		if (value != null) {
			this.value = value.intern();
			this.nonZero = !value.isEmpty();
		}
		this.level = level;
		this.component = comp.intern();
	}

	public StatRecord(String comp, String description, int value, Level level) {
		this(comp, description, "" + value, level);
		this.intValue = value;
		this.nonZero = (value > 0);
	}

	public StatRecord(String comp, String description, long value, Level level) {
		this(comp, description, "" + value, level);
		this.longValue = value;
		this.nonZero = (value > 0);
	}

	StatRecord(String comp, String description, float value, Level level) {
		this(comp, description, "" + value, level);
		this.floatValue = value;
		this.nonZero = (value > 0f);
	}

	public String getDescription() {
		return description;
	}

	public String getValue() {
		return value;
	}

	public Level getLevel() {
		return level;
	}

	public String getComponent() {
		return component;
	}

	public long getLongValue() {
		return this.longValue;
	}

	public int getIntValue() {
		return this.intValue;
	}

	/** Always {@code null} here: collection-valued statistics are not part of this declaration. */
	public Collection<E> getCollection() {
		return this.collection;
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder();
		sb.append(component).append('/').append(description);
		sb.append('[');
		if (longValue > -1) {
			sb.append('L');
		} else if (intValue > -1) {
			sb.append('I');
		} else if (floatValue > -1f) {
			sb.append('F');
		} else if (collection != null) {
			sb.append('C');
		} else {
			sb.append('S');
		}
		sb.append(']');
		sb.append(" = ").append(value);
		return sb.toString();
	}

	boolean isNonZero() {
		return nonZero;
	}

	float getFloatValue() {
		return this.floatValue;
	}
}
