package tigase.xmpp;

/**
 * Compile-time declaration of {@code tigase.xmpp.PacketErrorTypeException} (tigase-server 8.4.0,
 * deprecated there): thrown by {@link Authorization#getResponseMessage} for a stanza that already
 * has {@code type="error"}.
 */
@Deprecated
public class PacketErrorTypeException
		extends XMPPException {

	private static final long serialVersionUID = 1L;

	public PacketErrorTypeException(String message) {
		super(message);
	}

	public PacketErrorTypeException(String message, Throwable cause) {
		super(message, cause);
	}
}
