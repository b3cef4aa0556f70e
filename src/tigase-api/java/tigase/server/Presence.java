package tigase.server;

import tigase.util.stringprep.TigaseStringprepException;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/** Compile-time declaration of {@code tigase.server.Presence} (tigase-server 8.4.0). */
public class Presence
		extends Packet {

	public static final String ELEM_NAME = "presence";
	public static final String[] PRESENCE_ERROR_PATH = {ELEM_NAME, "error"};

	public Presence(Element elem) throws TigaseStringprepException {
		super(elem);
	}

	public Presence(Element elem, JID stanzaFrom, JID stanzaTo) {
		super(elem, stanzaFrom, stanzaTo);
	}

	@Override
	protected String[] getElNameErrorPath() {
		return PRESENCE_ERROR_PATH;
	}
}
