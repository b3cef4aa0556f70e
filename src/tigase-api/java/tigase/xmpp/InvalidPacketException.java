package tigase.xmpp;

/**
 * Compile-time declaration of {@code tigase.xmpp.InvalidPacketException} (tigase-server 8.4.0), thrown by
 * {@link Authorization#getResponseMessage}.
 */
@SuppressWarnings("deprecation")
public class InvalidPacketException
		extends PacketErrorTypeException {

	private static final long serialVersionUID = 1L;

	public InvalidPacketException(String message) {
		super(message);
	}

	public InvalidPacketException(String message, Throwable cause) {
		super(message, cause);
	}
}
