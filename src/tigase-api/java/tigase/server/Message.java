package tigase.server;

import tigase.util.stringprep.TigaseStringprepException;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/** Compile-time declaration of {@code tigase.server.Message} (tigase-server 8.4.0). */
public class Message
		extends Packet {

	public static final String ELEM_NAME = "message";
	public static final String[] MESSAGE_ERROR_PATH = {ELEM_NAME, "error"};

	public Message(Element elem) throws TigaseStringprepException {
		super(elem);
	}

	public Message(Element elem, JID stanzaFrom, JID stanzaTo) {
		super(elem, stanzaFrom, stanzaTo);
	}

	@Override
	protected String[] getElNameErrorPath() {
		return MESSAGE_ERROR_PATH;
	}
}
