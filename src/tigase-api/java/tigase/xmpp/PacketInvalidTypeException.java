package tigase.xmpp;

/**
 * Compile-time declaration of {@code tigase.xmpp.PacketInvalidTypeException} (tigase-server 8.4.0), thrown by
 * {@link Authorization#getResponseMessage}.
 */
@SuppressWarnings("deprecation")
public class PacketInvalidTypeException
		extends InvalidPacketException {

	private static final long serialVersionUID = 1L;

	public PacketInvalidTypeException(String message) {
		super(message);
	}

	public PacketInvalidTypeException(String message, Throwable cause) {
		super(message, cause);
	}
}
