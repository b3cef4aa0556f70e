package tigase.server;

import tigase.stats.StatisticsList;

import java.util.Queue;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;

/**
 * Compile-time declaration of {@code tigase.server.AbstractMessageReceiver} (tigase-server 8.4.0).
 * The real interfaces ({@code StatisticsContainer}, {@code MessageReceiver},
 * {@code PacketWriterWithTimeout}) are left out.
 * <p>
 * There is no message router here: {@link #addOutPacket(Packet)} only keeps the packet in a private
 * queue (tests override it to capture what the component sends). {@link #start()} runs
 * {@link #everySecond()}, {@link #everyMinute()} and {@link #everyHour()} on a timer, as the real
 * class does; {@link #stop()} (and {@link #release()}) stops it.
 */
@SuppressWarnings("deprecation")
public abstract class AbstractMessageReceiver
		extends BasicComponent {

	private static final long SECOND_MS = 1000;
	private static final long MINUTE_MS = 60 * SECOND_MS;
	private static final long HOUR_MS = 60 * MINUTE_MS;

	private final Queue<Packet> outQueue = new ConcurrentLinkedQueue<>();
	private long lastHourPackets = 0;
	private long lastMinutePackets = 0;
	private long lastSecondPackets = 0;
	private long packetsPerHour = 0;
	private long packetsPerMinute = 0;
	private long packetsPerSecond = 0;
	private long statReceivedPacketsOk = 0;
	private long statSentPacketsOk = 0;
	private Timer receiverTasks = null;

	public AbstractMessageReceiver() {
	}

	/**
	 * Handles one packet addressed to the component; called concurrently from several threads in a
	 * real server. Replies go out through {@link #addOutPacket(Packet)}.
	 */
	public abstract void processPacket(Packet packet);

	/**
	 * The real method puts the packet into an input queue whose thread calls
	 * {@link #processPacket(Packet)}; the declaration has no input queue and calls it at once.
	 */
	public final void processPacket(final Packet packet, final java.util.Queue<Packet> results) {
		processPacket(packet);
	}

	/** Real signature; here the packet is kept in a private queue and {@code true} returned. */
	protected boolean addOutPacket(Packet packet) {
		// The real method picks the output queue with hashCodeForPacket(packet); keep that call so the
		// same failures (e.g. no component id yet) show up.
		hashCodeForPacket(packet);
		outQueue.offer(packet);
		++statSentPacketsOk;
		return true;
	}

	/**
	 * Thread selection as in the real class: the packet address {@code packetTo} if set and not the
	 * component id, else the bare JID of the stanza {@code to}, else 1.
	 */
	public int hashCodeForPacket(Packet packet) {
		if ((packet.getPacketTo() != null) && !getComponentId().equals(packet.getPacketTo())) {
			return packet.getPacketTo().hashCode();
		}
		if (packet.getStanzaTo() != null) {
			return packet.getStanzaTo().getBareJID().hashCode();
		}
		return 1;
	}

	/**
	 * A random UUID, after {@code prefix + "-"} if the prefix is not {@code null}, as in the real
	 * class (not the component's name and a counter).
	 */
	public String newPacketId(String prefix) {
		final String uuid = java.util.UUID.randomUUID().toString();
		return prefix != null ? prefix + "-" + uuid : uuid;
	}

	public int processingInThreads() {
		return 1;
	}

	public int processingOutThreads() {
		return 1;
	}

	@Override
	public synchronized void everyHour() {
		packetsPerHour = statReceivedPacketsOk - lastHourPackets;
		lastHourPackets = statReceivedPacketsOk;
		super.everyHour();
	}

	@Override
	public synchronized void everyMinute() {
		packetsPerMinute = statReceivedPacketsOk - lastMinutePackets;
		lastMinutePackets = statReceivedPacketsOk;
		super.everyMinute();
	}

	@Override
	public synchronized void everySecond() {
		packetsPerSecond = statReceivedPacketsOk - lastSecondPackets;
		lastSecondPackets = statReceivedPacketsOk;
		super.everySecond();
	}

	/** Starts the timer calling {@link #everySecond()}, {@link #everyMinute()} and {@link #everyHour()}. */
	public synchronized void start() {
		if (receiverTasks != null) {
			return;
		}
		receiverTasks = new Timer(getName() + " tasks", true);
		receiverTasks.scheduleAtFixedRate(task(this::everySecond), SECOND_MS, SECOND_MS);
		receiverTasks.scheduleAtFixedRate(task(this::everyMinute), MINUTE_MS, MINUTE_MS);
		receiverTasks.scheduleAtFixedRate(task(this::everyHour), HOUR_MS, HOUR_MS);
	}

	public synchronized void stop() {
		if (receiverTasks != null) {
			receiverTasks.cancel();
			receiverTasks = null;
		}
	}

	/**
	 * Adds a subset of the real statistics (the packet rates and the number of processing threads),
	 * then {@code super.getStatistics(list)}.
	 */
	@Override
	public void getStatistics(StatisticsList list) {
		list.add(getName(), "Last second packets", packetsPerSecond, Level.FINE);
		list.add(getName(), "Last minute packets", packetsPerMinute, Level.FINE);
		list.add(getName(), "Last hour packets", packetsPerHour, Level.FINE);
		list.add(getName(), "Processing threads", processingInThreads(), Level.FINER);
		super.getStatistics(list);
	}

	@Override
	public void setName(String name) {
		super.setName(name);
	}

	public void release() {
		stop();
	}

	private static TimerTask task(Runnable action) {
		return new TimerTask() {
			@Override
			public void run() {
				action.run();
			}
		};
	}
}
