package tigase.server;

import tigase.util.stringprep.TigaseStringprepException;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

import java.util.List;

/** Compile-time declaration of {@code tigase.server.Iq} (tigase-server 8.4.0). */
public class Iq
		extends Packet {

	public static final String ELEM_NAME = "iq";
	public static final String QUERY_NAME = "query";
	public static final String[] IQ_QUERY_PATH = {ELEM_NAME, QUERY_NAME};
	public static final String[] IQ_ERROR_PATH = {ELEM_NAME, "error"};

	private static final String DISCO_INFO_XMLNS = "http://jabber.org/protocol/disco#info";
	private static final String DISCO_ITEMS_XMLNS = "http://jabber.org/protocol/disco#items";

	private String iqQueryXMLNS = null;
	private boolean serviceDisco = false;

	public Iq(Element elem) throws TigaseStringprepException {
		super(elem);
		init();
	}

	public Iq(Element elem, JID stanzaFrom, JID stanzaTo) {
		super(elem, stanzaFrom, stanzaTo);
		init();
	}

	/** Name of the first child element, or {@code null}. */
	public String getIQChildName() {
		List<Element> children = elem.getChildren();
		if ((children != null) && (children.size() > 0)) {
			return children.get(0).getName();
		}
		return null;
	}

	/** Namespace of the {@code <query/>} child (only a child named {@code query}), or {@code null}. */
	public String getIQXMLNS() {
		if (iqQueryXMLNS == null) {
			iqQueryXMLNS = elem.getXMLNSStaticStr(IQ_QUERY_PATH);
		}
		return iqQueryXMLNS;
	}

	/** {@code true} for an iq whose {@code <query/>} child is in disco#info or disco#items. */
	@Override
	public boolean isServiceDisco() {
		return serviceDisco;
	}

	@Override
	protected String[] getElNameErrorPath() {
		return IQ_ERROR_PATH;
	}

	private void init() {
		String queryXmlns = elem.getXMLNSStaticStr(IQ_QUERY_PATH);
		serviceDisco = (queryXmlns == DISCO_INFO_XMLNS) || (queryXmlns == DISCO_ITEMS_XMLNS);
	}
}
