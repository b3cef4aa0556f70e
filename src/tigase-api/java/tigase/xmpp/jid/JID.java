package tigase.xmpp.jid;

import tigase.util.stringprep.TigaseStringprepException;

import java.util.Objects;

/**
 * Compile-time declaration of {@code tigase.xmpp.jid.JID} (tigase-utils 4.4.0): a bare JID plus an
 * optional resource, with the real parsing rules (see {@link BareJID}). The resource is kept as
 * given (the default stringprep does not touch it) and compared case-sensitively; an empty
 * resource ({@code "a@b/"}) is kept as {@code ""} but left out of {@link #toString()}.
 */
public final class JID
		implements Comparable<JID> {

	private final BareJID bareJid;
	private final int hashcode;
	private final String resource;
	private final String to_string;

	private JID(BareJID bareJid, String resource) {
		this.bareJid = bareJid;
		this.resource = resource;
		this.to_string = BareJID.join(bareJid, resource);
		this.hashcode = Objects.hash(bareJid, resource);
	}

	public static JID jidInstance(BareJID bareJid, String p_resource) throws TigaseStringprepException {
		String f_resource = (p_resource == null) ? null : BareJID.resourceprep(p_resource);
		return new JID(bareJid, f_resource);
	}

	public static JID jidInstance(BareJID bareJid) {
		return new JID(bareJid, null);
	}

	public static JID jidInstance(String jid) throws TigaseStringprepException {
		String[] parsed = BareJID.parseJID(jid);
		return jidInstance(parsed[0], parsed[1], parsed[2]);
	}

	public static JID jidInstance(String localpart, String domain) throws TigaseStringprepException {
		return jidInstance(BareJID.bareJIDInstance(localpart, domain));
	}

	public static JID jidInstance(String localpart, String domain, String resource)
			throws TigaseStringprepException {
		return jidInstance(BareJID.bareJIDInstance(localpart, domain), resource);
	}

	/** No checks; {@code null} for a {@code null} bare JID. */
	public static JID jidInstanceNS(BareJID bareJid) {
		return (bareJid == null) ? null : new JID(bareJid, null);
	}

	/** No checks; {@code null} for a {@code null} bare JID. */
	public static JID jidInstanceNS(BareJID bareJid, String p_resource) {
		return (bareJid == null) ? null : new JID(bareJid, p_resource);
	}

	/** No checks; {@code null} for a {@code null} string or a blank domain. */
	public static JID jidInstanceNS(String jid) {
		if (jid == null) {
			return null;
		}
		String[] parsed = BareJID.parseJID(jid);
		return jidInstanceNS(parsed[0], parsed[1], parsed[2]);
	}

	public static JID jidInstanceNS(String localpart, String domain, String resource) {
		return jidInstanceNS(BareJID.bareJIDInstanceNS(localpart, domain), resource);
	}

	public static JID jidInstanceNS(String localpart, String domain) {
		return jidInstanceNS(BareJID.bareJIDInstanceNS(localpart, domain));
	}

	@Override
	public int compareTo(JID o) {
		return to_string.compareTo(o.to_string);
	}

	public JID copyWithResource(String resource) throws TigaseStringprepException {
		return jidInstance(bareJid, resource);
	}

	public JID copyWithResourceNS(String resource) {
		return jidInstanceNS(bareJid, resource);
	}

	public JID copyWithoutResource() {
		return new JID(bareJid, null);
	}

	@Override
	public boolean equals(Object b) {
		if (b instanceof JID) {
			JID jid = (JID) b;
			return bareJid.equals(jid.bareJid) &&
					((resource == jid.resource) || ((resource != null) && resource.equals(jid.resource)));
		}
		return false;
	}

	public BareJID getBareJID() {
		return bareJid;
	}

	public String getDomain() {
		return bareJid.getDomain();
	}

	public String getLocalpart() {
		return bareJid.getLocalpart();
	}

	public String getResource() {
		return resource;
	}

	@Override
	public int hashCode() {
		return hashcode;
	}

	@Override
	public String toString() {
		return to_string;
	}
}
