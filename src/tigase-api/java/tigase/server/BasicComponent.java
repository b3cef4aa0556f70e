package tigase.server;

import tigase.cluster.api.ClusterControllerIfc;
import tigase.cluster.api.ClusteredComponentIfc;
import tigase.kernel.beans.Initializable;
import tigase.kernel.beans.config.ConfigurationChangedAware;
import tigase.stats.StatisticsList;
import tigase.util.stringprep.TigaseStringprepException;
import tigase.xmpp.jid.BareJID;
import tigase.xmpp.jid.JID;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compile-time declaration of {@code tigase.server.BasicComponent} (tigase-server 8.4.0). Of the
 * real interfaces only {@link Initializable} and {@link ConfigurationChangedAware} are declared.
 * <p>
 * Behaviour kept from the real class:
 * <ul>
 * <li>{@link #setName(String)} sets the component id to {@code name@<default host>}, where the
 * default host is that of Tigase's DNS resolver: system property {@code tigase-primary-address} if
 * it resolves, otherwise this machine's host name (a running server makes it the configured default
 * virtual host, e.g. {@code localhost});</li>
 * <li>there is no virtual-host manager here, so {@link #isLocalDomain(String)} is {@code false} and
 * {@link #getDefVHostItem()} is {@link #getDefHostName()}, as in the real class before a manager is
 * set;</li>
 * <li>{@link #isAdmin(JID)} checks the bare JID against {@link #admins} (empty unless filled).</li>
 * <li>{@link #initialize()} first registers this node ({@code nodeConnected(<default host>)}) and
 * calls {@link #initializationCompleted()} as its last statement, as the real one does: an override
 * of {@code initializationCompleted()} runs inside {@code super.initialize()}, before a subclass's
 * code after that call.</li>
 * <li>{@link #nodeConnected(String)} / {@link #nodeDisconnected(String)} keep the list of this
 * component's instances ({@code name@node}) and call {@link #onNodeConnected(JID)} /
 * {@link #onNodeDisconnected(JID)} when it changes, for this node too;
 * {@link #getNodesConnected()} leaves this node out.</li>
 * </ul>
 */
@SuppressWarnings("deprecation")
public class BasicComponent
		implements ClusteredComponentIfc, Initializable, ConfigurationChangedAware {

	private static final Logger log = Logger.getLogger(BasicComponent.class.getName());

	/** Bare JIDs of the server administrators (real field; configured by the kernel). */
	protected ConcurrentSkipListSet<BareJID> admins = new ConcurrentSkipListSet<>();

	private ComponentInfo cmpInfo = null;
	private JID compId = null;
	private BareJID defHostname = BareJID.bareJIDInstanceNS(DefaultHost.NAME);
	private boolean initializationCompleted = false;
	private String name = null;
	private final List<JID> connectedNodes = new CopyOnWriteArrayList<>();
	private final List<JID> connectedNodesWithLocal = new CopyOnWriteArrayList<>();

	public BasicComponent() {
	}

	@Override
	public void beanConfigurationChanged(Collection<String> changedFields) {
	}

	public void everyHour() {
	}

	public void everyMinute() {
	}

	public void everySecond() {
	}

	public JID getComponentId() {
		return compId;
	}

	public void setCompId(JID jid) {
		this.compId = jid;
	}

	/** Lazily {@code new ComponentInfo(getName(), getClass())}. */
	public ComponentInfo getComponentInfo() {
		if (cmpInfo == null) {
			cmpInfo = new ComponentInfo(getName(), this.getClass());
		}
		return cmpInfo;
	}

	public BareJID getDefHostName() {
		return defHostname;
	}

	public BareJID getDefVHostItem() {
		return getDefHostName();
	}

	public String getDiscoCategory() {
		return "component";
	}

	public String getDiscoCategoryType() {
		return "generic";
	}

	public String getDiscoDescription() {
		return "Undefined description";
	}

	public String getName() {
		return name;
	}

	/** Sets the name and the component id {@code name@<default host>}. */
	public void setName(String name) {
		this.name = name;
		try {
			compId = JID.jidInstance(name, defHostname.getDomain(), null);
		} catch (TigaseStringprepException ex) {
			log.log(Level.WARNING, "Problem setting component ID: ", ex);
		}
	}

	public void getStatistics(StatisticsList list) {
	}

	/** Registers this node, then ends by calling {@link #initializationCompleted()}, as the real method does. */
	@Override
	public void initialize() {
		nodeConnected(defHostname.getDomain());
		cmpInfo = new ComponentInfo(getName(), this.getClass());
		log.log(Level.INFO, "Loading component: " + cmpInfo);
		initializationCompleted();
	}

	/** Called by the kernel once all components are loaded; marks the initialization complete. */
	public void initializationCompleted() {
		initializationCompleted = true;
	}

	public boolean isInitializationComplete() {
		return initializationCompleted;
	}

	/** Real signature; Tigase's kernel calls it with the server's configured admins. */
	public void setAdmins(Set<BareJID> admins) {
		this.admins.clear();
		if (admins != null) {
			this.admins.addAll(admins);
		}
	}

	public boolean isAdmin(JID jid) {
		return admins.contains(jid.getBareJID());
	}

	/**
	 * The real method runs Tigase's admin script commands addressed to the component (which the
	 * declaration does not have): here it does nothing.
	 */
	public void processPacket(Packet packet, java.util.Queue<Packet> results) {
	}

	/** Does nothing, as in the real class. */
	public void release() {
	}

	/** Real signature; the real class only keeps it for subclasses. */
	@Override
	public void setClusterController(ClusterControllerIfc cl_controller) {
	}

	/** An instance of this component on {@code node} (this node too) is up: {@code name@node}. */
	@Override
	public void nodeConnected(String node) {
		JID jid = JID.jidInstanceNS(getName(), node, null);
		boolean added = false;
		if (!connectedNodesWithLocal.contains(jid)) {
			connectedNodesWithLocal.add(jid);
			added = true;
		}
		if (!connectedNodes.contains(jid) && !jid.equals(getComponentId())) {
			connectedNodes.add(jid);
			added = true;
		}
		if (added) {
			onNodeConnected(jid);
		}
	}

	@Override
	public void nodeDisconnected(String node) {
		JID jid = JID.jidInstanceNS(getName(), node, null);
		boolean removed = connectedNodesWithLocal.remove(jid);
		removed |= connectedNodes.remove(jid);
		if (removed) {
			onNodeDisconnected(jid);
		}
	}

	/** The instances of this component on other nodes. */
	public List<JID> getNodesConnected() {
		return new ArrayList<>(connectedNodes);
	}

	/** The instances of this component on every node, this one included. */
	public List<JID> getNodesConnectedWithLocal() {
		return new ArrayList<>(connectedNodesWithLocal);
	}

	protected void onNodeConnected(JID jid) {
	}

	protected void onNodeDisconnected(JID jid) {
	}

	public boolean isLocalDomain(String domain) {
		return false;
	}

	/** Tigase's default host name (DNSResolverDefault), computed once. */
	private static final class DefaultHost {

		static final String NAME = resolve();

		private static String resolve() {
			String primary = System.getProperty("tigase-primary-address");
			if (primary != null && !primary.trim().isEmpty()) {
				try {
					InetAddress.getByName(primary);
					return primary;
				} catch (UnknownHostException e) {
					log.log(Level.SEVERE, "Not possible to resolve " + primary + ", using fallback address...");
				}
			}
			try {
				InetAddress local = InetAddress.getLocalHost();
				String host = local.getCanonicalHostName().toLowerCase();
				if (host.equalsIgnoreCase(local.getHostAddress())) {
					host = local.getHostName().toLowerCase();
				}
				return host;
			} catch (UnknownHostException e) {
				return "localhost";
			}
		}
	}
}
