package tigase.xmpp;

/** Compile-time declaration of {@code tigase.xmpp.XMPPException} (tigase-server 8.4.0). */
public class XMPPException
		extends Exception {

	private static final long serialVersionUID = 1L;

	public XMPPException() {
		super();
	}

	public XMPPException(String message) {
		super(message);
	}

	public XMPPException(String message, Throwable cause) {
		super(message, cause);
	}

	public XMPPException(Throwable cause) {
		super(cause);
	}
}
