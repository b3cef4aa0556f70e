package tigase.xmpp;

/**
 * Compile-time declaration of {@code tigase.xmpp.PacketInvalidAddressException} (tigase-server 8.4.0), thrown by
 * {@link Authorization#getResponseMessage}.
 */
@SuppressWarnings("deprecation")
public class PacketInvalidAddressException
		extends InvalidPacketException {

	private static final long serialVersionUID = 1L;

	public PacketInvalidAddressException(String message) {
		super(message);
	}

	public PacketInvalidAddressException(String message, Throwable cause) {
		super(message, cause);
	}
}
