package tigase.util.stringprep;

/**
 * Compile-time declaration of {@code tigase.util.stringprep.TigaseStringprepException}
 * (tigase-utils 4.4.0): thrown when a JID part fails stringprep processing.
 */
public class TigaseStringprepException
		extends Exception {

	private static final long serialVersionUID = 1L;

	public TigaseStringprepException() {
		super();
	}

	public TigaseStringprepException(String msg) {
		super(msg);
	}

	public TigaseStringprepException(String msg, Throwable th) {
		super(msg, th);
	}
}
