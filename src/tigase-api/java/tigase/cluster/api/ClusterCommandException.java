package tigase.cluster.api;

/** Compile-time declaration of {@code tigase.cluster.api.ClusterCommandException} (tigase-server 8.4.0). */
public class ClusterCommandException
		extends Exception {

	private static final long serialVersionUID = 1L;

	public ClusterCommandException() {
	}

	public ClusterCommandException(String message) {
		super(message);
	}

	public ClusterCommandException(Throwable cause) {
		super(cause);
	}

	public ClusterCommandException(String message, Throwable cause) {
		super(message, cause);
	}
}
