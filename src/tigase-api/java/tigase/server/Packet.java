package tigase.server;

import tigase.util.stringprep.TigaseStringprepException;
import tigase.xml.Element;
import tigase.xmpp.StanzaType;
import tigase.xmpp.jid.JID;

import java.util.List;

/**
 * Compile-time declaration of {@code tigase.server.Packet} (tigase-server 8.4.0): one stanza as an
 * {@link Element} plus pre-parsed addresses. Behaviour as in the real class:
 * <ul>
 * <li>{@link #packetInstance(Element)} returns {@link Message}, {@link Presence}, {@link Iq} or a
 * plain {@code Packet} by element name, parses {@code to}/{@code from} with
 * {@link JID#jidInstance(String)} (so an invalid address throws
 * {@link TigaseStringprepException}) and maps {@code type} with {@link StanzaType#valueof(String)},
 * so an unknown type gives {@code getType() == null};</li>
 * <li>{@link #packetInstance(Element, JID, JID)} trusts the given JIDs: a non-null JID overwrites
 * the element's attribute, a {@code null} one leaves the attribute alone (while
 * {@code getStanzaFrom()}/{@code getStanzaTo()} return {@code null});</li>
 * <li>results ({@link #okResult}, {@link #errorResult}) swap the stanza addresses and set the
 * packet addresses: {@code packetTo = getFrom()}, {@code packetFrom = getTo()}.</li>
 * </ul>
 */
public class Packet {

	public static final String CLIENT_XMLNS = "jabber:client";
	public static final String FROM_ATT = "from";
	public static final String ID_ATT = "id";
	public static final String TO_ATT = "to";
	public static final String TYPE_ATT = "type";
	public static final String XMLNS_ATT = "xmlns";
	public static final String ERROR_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

	/**
	 * As in the real class: set from system property {@code packet.debug.full}; when {@code true},
	 * {@link #toStringSecure()} shows character data too.
	 */
	public static boolean FULL_DEBUG = Boolean.getBoolean("packet.debug.full");

	protected Element elem;

	private JID packetFrom = null;
	private JID packetTo = null;
	private String packetToString = null;
	private String packetToStringSecure = null;
	private Permissions permissions = Permissions.NONE;
	private String priority = "NORMAL";
	private JID stanzaFrom = null;
	private String stanzaId = null;
	private JID stanzaTo = null;
	private StanzaType type;

	protected Packet(Element elem) throws TigaseStringprepException {
		setElem(elem);
		initVars();
	}

	protected Packet(Element elem, JID stanzaFrom, JID stanzaTo) {
		setElem(elem);
		initVars(stanzaFrom, stanzaTo);
	}

	public static Packet packetInstance(Element elem) throws TigaseStringprepException {
		String name = elem.getName();
		if (name == Message.ELEM_NAME) {
			return new Message(elem);
		}
		if (name == Presence.ELEM_NAME) {
			return new Presence(elem);
		}
		if (name == Iq.ELEM_NAME) {
			return new Iq(elem);
		}
		return new Packet(elem);
	}

	public static Packet packetInstance(Element elem, JID stanzaFrom, JID stanzaTo) {
		String name = elem.getName();
		if (name == Message.ELEM_NAME) {
			return new Message(elem, stanzaFrom, stanzaTo);
		}
		if (name == Presence.ELEM_NAME) {
			return new Presence(elem, stanzaFrom, stanzaTo);
		}
		if (name == Iq.ELEM_NAME) {
			return new Iq(elem, stanzaFrom, stanzaTo);
		}
		return new Packet(elem, stanzaFrom, stanzaTo);
	}

	/** Builds {@code <el_name from=".." to=".." type=".."/>}; none of the values may be {@code null}. */
	public static Packet packetInstance(String el_name, String from, String to, StanzaType type)
			throws TigaseStringprepException {
		Element elem = new Element(el_name, new String[]{FROM_ATT, TO_ATT, TYPE_ATT},
		                           new String[]{from, to, type.toString()});
		return packetInstance(elem);
	}

	/** A copy of the stanza (element cloned, same stanza JIDs); packet addresses left {@code null}. */
	public Packet copyElementOnly() {
		Element resElem = elem.clone();
		Packet result = packetInstance(resElem, getStanzaFrom(), getStanzaTo());
		result.priority = priority;
		return result;
	}

	/**
	 * The error reply described at {@code Authorization.getResponseMessage}: a new element of the
	 * same name with {@code type="error"}, the original {@code id}, the original children (cloned) if
	 * {@code includeOriginalXML}, the original {@code xmlns}, and
	 * {@code <error [code=".."] type=".."><condition xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>
	 * [<text xml:lang="en" xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">text</text>]</error>} as the
	 * last child; stanza {@code from}/{@code to} swapped. The text is not escaped.
	 */
	public Packet errorResult(String errorType, Integer errorCode, String errorCondition, String errorText,
	                          boolean includeOriginalXML) {
		Element reply = new Element(elem.getName());
		reply.setAttribute(TYPE_ATT, StanzaType.error.toString());
		if (getStanzaId() != null) {
			reply.setAttribute(ID_ATT, getStanzaId());
		}
		if (includeOriginalXML) {
			reply.addChildren(elem.getChildren());
		}
		if (getXMLNS() != null) {
			reply.setXMLNS(getXMLNS());
		}
		Element error = new Element("error");
		if (errorCode != null) {
			error.setAttribute("code", errorCode.toString());
		}
		error.setAttribute(TYPE_ATT, errorType);
		Element cond = new Element(errorCondition);
		cond.setXMLNS(ERROR_NS);
		error.addChild(cond);
		if (errorText != null) {
			Element t = new Element("text", errorText, new String[]{"xml:lang", "xmlns"},
			                        new String[]{"en", ERROR_NS});
			error.addChild(t);
		}
		reply.addChild(error);
		return swapFromTo(reply, getStanzaTo(), getStanzaFrom());
	}

	/** Attribute of the stanza element; the name must be interned (e.g. a literal). */
	public String getAttributeStaticStr(String key) {
		return elem.getAttributeStaticStr(key);
	}

	/** Attribute of the stanza or a descendant; path names are compared with {@code ==}. */
	public String getAttributeStaticStr(String[] path, String key) {
		return elem.getAttributeStaticStr(path, key);
	}

	public String getElemCDataStaticStr(String[] xmlPath) {
		return elem.getCDataStaticStr(xmlPath);
	}

	public Element getElemChild(String name) {
		return elem.getChild(name);
	}

	public Element getElemChild(String name, String xmlns) {
		return elem.getChild(name, xmlns);
	}

	public String getElemName() {
		return elem.getName();
	}

	public Element getElement() {
		return elem;
	}

	/** Name of the first child of {@code <error/>} that is not {@code <text/>}, or {@code null}. */
	public String getErrorCondition() {
		List<Element> children = elem.getChildrenStaticStr(getElNameErrorPath());
		if (children != null) {
			for (Element cond : children) {
				if (!cond.getName().equals("text")) {
					return cond.getName();
				}
			}
		}
		return null;
	}

	/** {@code packetFrom} if set, else the stanza {@code from}. */
	public JID getFrom() {
		return (packetFrom != null) ? packetFrom : stanzaFrom;
	}

	public JID getPacketFrom() {
		return this.packetFrom;
	}

	public void setPacketFrom(JID from) {
		this.packetFrom = from;
	}

	public JID getPacketTo() {
		return this.packetTo;
	}

	public void setPacketTo(JID to) {
		this.packetTo = to;
	}

	public Permissions getPermissions() {
		return permissions;
	}

	public void setPermissions(Permissions perm) {
		this.permissions = perm;
	}

	public JID getStanzaFrom() {
		return stanzaFrom;
	}

	public String getStanzaId() {
		return stanzaId;
	}

	public JID getStanzaTo() {
		return stanzaTo;
	}

	/** {@code packetTo} if set, else the stanza {@code to}. */
	public JID getTo() {
		return (packetTo != null) ? packetTo : stanzaTo;
	}

	/** The parsed {@code type}; {@code null} if absent or not a {@link StanzaType} name. */
	public StanzaType getType() {
		return type;
	}

	public String getXMLNS() {
		return elem.getXMLNS();
	}

	/**
	 * Sets the stanza JIDs without parsing. A JID differing (by reference) from the current one is
	 * also written to (or, if {@code null}, removed from) the element's attribute.
	 */
	public void initVars(JID stanzaFrom, JID stanzaTo) {
		if (this.stanzaFrom != stanzaFrom) {
			this.stanzaFrom = stanzaFrom;
			if (stanzaFrom == null) {
				elem.removeAttribute(FROM_ATT);
			} else {
				elem.setAttribute(FROM_ATT, stanzaFrom.toString());
			}
		}
		if (this.stanzaTo != stanzaTo) {
			this.stanzaTo = stanzaTo;
			if (stanzaTo == null) {
				elem.removeAttribute(TO_ATT);
			} else {
				elem.setAttribute(TO_ATT, stanzaTo.toString());
			}
		}
		stanzaId = elem.getAttributeStaticStr(ID_ATT);
		packetToString = null;
		packetToStringSecure = null;
	}

	/** Re-parses {@code to}, {@code from} and {@code id} from the element. */
	public void initVars() throws TigaseStringprepException {
		String tmp = elem.getAttributeStaticStr(TO_ATT);
		stanzaTo = (tmp != null) ? JID.jidInstance(tmp) : null;
		tmp = elem.getAttributeStaticStr(FROM_ATT);
		stanzaFrom = (tmp != null) ? JID.jidInstance(tmp) : null;
		stanzaId = elem.getAttributeStaticStr(ID_ATT);
		packetToString = null;
		packetToStringSecure = null;
	}

	/** {@code false} here; {@link Iq} answers for disco#info / disco#items queries. */
	public boolean isServiceDisco() {
		return false;
	}

	/**
	 * A {@code type="result"} reply: same element name, {@code xmlns} and {@code id}, stanza addresses
	 * swapped; {@code originalXML} levels of the first-child chain are copied (name and attributes
	 * only), and {@code includeXML}, if not {@code null}, becomes the character data of the deepest one.
	 */
	public Packet okResult(String includeXML, int originalXML) {
		Element reply = new Element(elem.getName());
		if (getXMLNS() != null) {
			reply.setXMLNS(getXMLNS());
		}
		reply.setAttribute(TYPE_ATT, StanzaType.result.toString());
		if (getStanzaId() != null) {
			reply.setAttribute(ID_ATT, getStanzaId());
		}
		Element newChild = copyFirstChildChain(reply, originalXML);
		if (includeXML != null) {
			newChild.setCData(includeXML);
		}
		Packet result = swapFromTo(reply, getStanzaTo(), getStanzaFrom());
		result.priority = priority;
		return result;
	}

	/** As {@link #okResult(String, int)}, but {@code includeXML} is added as a child element. */
	public Packet okResult(Element includeXML, int originalXML) {
		Element reply = new Element(elem.getName());
		if (getXMLNS() != null) {
			reply.setXMLNS(getXMLNS());
		}
		reply.setAttribute(TYPE_ATT, StanzaType.result.toString());
		if (getStanzaId() != null) {
			reply.setAttribute(ID_ATT, getStanzaId());
		}
		Element newChild = copyFirstChildChain(reply, originalXML);
		if (includeXML != null) {
			newChild.addChild(includeXML);
		}
		Packet result = swapFromTo(reply, getStanzaTo(), getStanzaFrom());
		result.priority = priority;
		return result;
	}

	/** A copy of the stanza with stanza {@code from}/{@code to} swapped; packet addresses {@code null}. */
	public Packet swapStanzaFromTo() {
		Element copy = elem.clone();
		Packet result = packetInstance(copy, getStanzaTo(), getStanzaFrom());
		result.priority = priority;
		return result;
	}

	/** As {@link #swapStanzaFromTo()}, with the given {@code type}. */
	public Packet swapStanzaFromTo(StanzaType type) {
		Element copy = elem.clone();
		copy.setAttribute(TYPE_ATT, type.toString());
		Packet result = packetInstance(copy, getStanzaTo(), getStanzaFrom());
		result.priority = priority;
		return result;
	}

	/**
	 * Debug text, as the real one: {@code from=<packetFrom>, to=<packetTo>, DATA=<xml>, SIZE=..,
	 * XMLNS=.., PRIORITY=.., PERMISSION=.., TYPE=..} with the XML cut at 1024 characters.
	 */
	@Override
	public String toString() {
		return FULL_DEBUG ? toStringSecure() : toStringFull();
	}

	/** As {@link #toString()} but character data is hidden unless {@link #FULL_DEBUG}. */
	public String toStringSecure() {
		if (FULL_DEBUG) {
			return toStringFull();
		}
		if (packetToStringSecure == null) {
			packetToStringSecure = calcToString(cut(elem.toStringSecure()));
		}
		return "from=" + packetFrom + ", to=" + packetTo + packetToStringSecure;
	}

	protected String[] getElNameErrorPath() {
		return new String[]{elem.getName(), "error"};
	}

	private String toStringFull() {
		if (packetToString == null) {
			packetToString = calcToString(cut(elem.toString()));
		}
		return "from=" + packetFrom + ", to=" + packetTo + packetToString;
	}

	private String calcToString(String elemData) {
		return ", DATA=" + elemData + ", SIZE=" + elem.toString().length() + ", XMLNS=" + elem.getXMLNS() +
				", PRIORITY=" + priority + ", PERMISSION=" + permissions + ", TYPE=" + type;
	}

	private static String cut(String elemData) {
		return (elemData.length() > 1024) ? elemData.substring(0, 1024) + " ... " : elemData;
	}

	private Element copyFirstChildChain(Element reply, int originalXML) {
		Element oldChild = elem;
		Element newChild = reply;
		for (int i = 0; i < originalXML; i++) {
			List<Element> oldChildren = oldChild.getChildren();
			if (oldChildren != null && oldChildren.size() > 0) {
				oldChild = oldChildren.get(0);
				Element tmp = new Element(oldChild.getName());
				// As the real code: throws NullPointerException for a child without attributes.
				tmp.setAttributes(oldChild.getAttributes());
				newChild.addChild(tmp);
				newChild = tmp;
			} else {
				break;
			}
		}
		return newChild;
	}

	private Packet swapFromTo(Element el, JID stanzaFrom, JID stanzaTo) {
		Packet packet = packetInstance(el, stanzaFrom, stanzaTo);
		packet.setPacketTo(getFrom());
		packet.setPacketFrom(getTo());
		packet.priority = priority;
		return packet;
	}

	private void setElem(Element elem) {
		if (elem == null) {
			throw new NullPointerException();
		}
		this.elem = elem;
		String tmp = elem.getAttributeStaticStr(TYPE_ATT);
		type = (tmp != null) ? StanzaType.valueof(tmp) : null;
		if (elem.getName() == "cluster") {
			priority = "CLUSTER";
		} else if ((elem.getName() == "presence") &&
				((type == null) || (type == StanzaType.available) || (type == StanzaType.unavailable) ||
						(type == StanzaType.probe))) {
			priority = "PRESENCE";
		}
	}
}
