package tigase.xml;

/**
 * Compile-time declaration of {@code tigase.xml.DefaultElementFactory} (tigase-xmltools 4.3.0;
 * the real class also implements {@code ElementFactory}). Not deprecated in master, where the
 * {@code Element(String)} constructors are.
 */
public class DefaultElementFactory {

	public DefaultElementFactory() {
	}

	/**
	 * A new element, as {@code new Element(name, cdata, attnames, attvals)}: the character data if
	 * not {@code null}, the attributes if {@code attnames} is not {@code null} (null entries skipped).
	 */
	public final Element elementInstance(final String name, final String cdata, final StringBuilder[] attnames,
										 final StringBuilder[] attvals) {
		Element e = new Element(name, cdata);
		if (attnames != null) {
			for (int i = 0; i < attnames.length; i++) {
				if (attnames[i] != null) {
					e.setAttribute(attnames[i].toString(), attvals[i].toString());
				}
			}
		}
		return e;
	}
}
