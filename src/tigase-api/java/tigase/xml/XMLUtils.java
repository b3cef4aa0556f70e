package tigase.xml;

/**
 * Compile-time declaration of Tigase's XMLUtils (tigase-xmltools 4.3.0). Tigase's Element stores
 * attribute values and character data as given and writes them out unescaped, so text from
 * outside must pass through {@link #escape(String)} first, as here.
 */
public abstract class XMLUtils {
	private static final String[] PLAIN = {"&", "<", ">", "\"", "'"};
	private static final String[] ESCAPED = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	// Unescaping replaces "&amp;" last, so "&amp;lt;" becomes "&lt;" and not "<".
	private static final String[] UNESCAPE_FROM = {"&lt;", "&gt;", "&quot;", "&apos;", "&amp;"};
	private static final String[] UNESCAPE_TO = {"<", ">", "\"", "'", "&"};

	public XMLUtils() {
	}

	/** Replaces &amp; &lt; &gt; &quot; &apos; by entities (in that order); null stays null. */
	public static String escape(String input) {
		return input == null ? null : translateAll(input, PLAIN, ESCAPED);
	}

	public static String unescape(String input) {
		return input == null ? null : translateAll(input, UNESCAPE_FROM, UNESCAPE_TO);
	}

	/** Replaces every occurrence of each pattern in turn. */
	public static String translateAll(String input, String[] patterns, String[] replacements) {
		String out = input;
		for (int i = 0; i < patterns.length; i++) {
			out = out.replace(patterns[i], replacements[i]);
		}
		return out;
	}
}
