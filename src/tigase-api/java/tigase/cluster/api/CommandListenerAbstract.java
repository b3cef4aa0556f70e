package tigase.cluster.api;

import tigase.server.Priority;
import tigase.stats.StatisticsList;

/**
 * Compile-time declaration of {@code tigase.cluster.api.CommandListenerAbstract} (tigase-server
 * 8.4.0): a named command with a priority; listeners compare and are equal by name, as in the
 * real class.
 */
public abstract class CommandListenerAbstract
		implements CommandListener {

	private String name;
	private Priority priority;

	public CommandListenerAbstract(String name, Priority priority) {
		this.name = name;
		this.priority = priority;
	}

	@Override
	public int compareTo(CommandListener o) {
		return name.compareTo(o.getName());
	}

	@Override
	public boolean equals(Object obj) {
		return obj instanceof CommandListener && name.equals(((CommandListener) obj).getName());
	}

	@Override
	public int hashCode() {
		return name.hashCode();
	}

	@Override
	public String getName() {
		return name;
	}

	@Override
	public final void setName(String name) {
		this.name = name;
	}

	@Override
	public Priority getPriority() {
		return priority;
	}

	public void setPriority(Priority priority) {
		this.priority = priority;
	}

	@Override
	@SuppressWarnings("deprecation")
	public void getStatistics(StatisticsList list) {
	}
}
