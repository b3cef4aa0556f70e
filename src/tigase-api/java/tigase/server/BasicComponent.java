package tigase.server;

import tigase.kernel.beans.Initializable;
import tigase.kernel.beans.config.ConfigurationChangedAware;
import tigase.stats.StatisticsList;
import tigase.util.stringprep.TigaseStringprepException;
import tigase.xmpp.jid.BareJID;
import tigase.xmpp.jid.JID;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
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
 * <li>{@link #initialize()} calls {@link #initializationCompleted()} as its last statement, as the
 * real one does: an override of {@code initializationCompleted()} runs inside
 * {@code super.initialize()}, before a subclass's code after that call.</li>
 * </ul>
 */
@SuppressWarnings("deprecation")
public class BasicComponent
		implements Initializable, ConfigurationChangedAware {

	private static final Logger log = Logger.getLogger(BasicComponent.class.getName());

	/** Bare JIDs of the server administrators (real field; configured by the kernel). */
	protected ConcurrentSkipListSet<BareJID> admins = new ConcurrentSkipListSet<>();

	private ComponentInfo cmpInfo = null;
	private JID compId = null;
	private BareJID defHostname = BareJID.bareJIDInstanceNS(DefaultHost.NAME);
	private boolean initializationCompleted = false;
	private String name = null;

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

	/** Ends by calling {@link #initializationCompleted()}, as the real method does. */
	@Override
	public void initialize() {
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
