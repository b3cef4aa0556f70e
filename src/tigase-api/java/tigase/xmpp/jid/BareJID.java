package tigase.xmpp.jid;

import tigase.util.stringprep.TigaseStringprepException;

import java.util.regex.Pattern;

/**
 * Compile-time declaration of {@code tigase.xmpp.jid.BareJID} (tigase-utils 4.4.0) with the
 * behaviour of the real class under Tigase's default ("simple") stringprep processor:
 * <ul>
 * <li>parsing: the resource starts at the first {@code '/'} (so it may contain {@code '/'} and
 * {@code '@'}); the localpart ends at the first {@code '@'} before it;</li>
 * <li>the domain is lower-cased; the localpart keeps its case (equality, ordering and the hash code
 * ignore case instead);</li>
 * <li>a {@code null} or blank domain, or a localpart or domain containing a space, {@code @},
 * {@code &}, {@code (}, {@code )}, {@code [}, {@code ]}, tab, CR, LF, FF, BEL or ESC, raises
 * {@link TigaseStringprepException}; there is no length limit and nothing is trimmed;</li>
 * <li>the {@code ...NS} factories skip all checks, but return {@code null} for a blank domain.</li>
 * </ul>
 */
public final class BareJID
		implements Comparable<BareJID> {

	private static final Pattern ILLEGAL = Pattern.compile("[ @&()\\[\\]\t\n\r\f\\a\\e]");

	private final String domain;
	private final int hashcode;
	private final String localpart;
	private final String to_string;

	private BareJID(String localpart, String domain) {
		this.localpart = localpart;
		this.domain = domain.toLowerCase().intern();
		this.to_string = join(this.localpart, this.domain);
		this.hashcode = to_string.toLowerCase().hashCode();
	}

	public static BareJID bareJIDInstance(String jid) throws TigaseStringprepException {
		String[] parsed = parseJID(jid);
		return bareJIDInstance(parsed[0], parsed[1]);
	}

	public static BareJID bareJIDInstance(String p_localpart, String p_domain) throws TigaseStringprepException {
		String f_localpart = (p_localpart == null) ? null : nodeprep(p_localpart);
		if (p_domain == null || p_domain.trim().isEmpty()) {
			throw new TigaseStringprepException(
					"Domain part is required! Localpart: " + p_localpart + ", domain: " + p_domain);
		}
		String f_domain = nameprep(p_domain);
		return new BareJID(f_localpart, f_domain);
	}

	/** No stringprep; returns {@code null} when the domain is missing or blank. */
	public static BareJID bareJIDInstanceNS(String jid) {
		String[] parsed = parseJID(jid);
		return bareJIDInstanceNS(parsed[0], parsed[1]);
	}

	/** No stringprep; returns {@code null} when the domain is missing or blank. */
	public static BareJID bareJIDInstanceNS(String p_localpart, String p_domain) {
		return (p_domain == null || p_domain.trim().isEmpty()) ? null : new BareJID(p_localpart, p_domain);
	}

	/**
	 * Splits a JID string into {localpart, domain, resource} without any checks; localpart and
	 * resource may be {@code null}.
	 */
	public static String[] parseJID(String jid) {
		String[] result = new String[3];
		int idx = jid.indexOf('/');
		result[2] = (idx == -1) ? null : jid.substring(idx + 1);
		String id = (idx == -1) ? jid : jid.substring(0, idx);
		idx = id.indexOf('@');
		result[0] = (idx == -1) ? null : id.substring(0, idx);
		result[1] = (idx == -1) ? id : id.substring(idx + 1);
		return result;
	}

	@Override
	public int compareTo(BareJID o) {
		return to_string.compareToIgnoreCase(o.to_string);
	}

	@Override
	public boolean equals(Object b) {
		if (b instanceof BareJID) {
			BareJID other = (BareJID) b;
			boolean sameDomain = (this.domain == other.domain) || this.domain.equalsIgnoreCase(other.domain);
			boolean sameLocal = (this.localpart == null)
			                    ? other.localpart == null
			                    : this.localpart.equalsIgnoreCase(other.localpart);
			return sameDomain && sameLocal;
		}
		return false;
	}

	public String getDomain() {
		return domain;
	}

	public String getLocalpart() {
		return localpart;
	}

	@Override
	public int hashCode() {
		return hashcode;
	}

	@Override
	public String toString() {
		return to_string;
	}

	static String join(String localpart, String domain) {
		return ((localpart != null) && (localpart.length() > 0)) ? (localpart + "@" + domain) : domain;
	}

	static String join(BareJID bareJid, String resource) {
		return bareJid.toString() + (((resource != null) && (resource.length() > 0)) ? "/" + resource : "");
	}

	// The "simple" stringprep processor (XMPPStringPrepSimple), Tigase's default.
	private static String nameprep(String domain) throws TigaseStringprepException {
		String result = domain.toLowerCase();
		if (ILLEGAL.matcher(result).find()) {
			throw new TigaseStringprepException("Illegal characters in string, domain = " + domain);
		}
		return result;
	}

	private static String nodeprep(String localpart) throws TigaseStringprepException {
		if (ILLEGAL.matcher(localpart).find()) {
			throw new TigaseStringprepException("Illegal characters in string, localpart = " + localpart);
		}
		return localpart;
	}

	static String resourceprep(String resource) {
		return resource;
	}
}
