package tigase.xml;

/**
 * Compile-time declaration of {@code tigase.xml.XMLNodeIfc} (tigase-xmltools 4.3.0): a node of the
 * DOM tree kept by {@link Element} (either an element or character data).
 */
@SuppressWarnings("rawtypes")
public interface XMLNodeIfc<T extends XMLNodeIfc>
		extends Comparable<T>, Cloneable {

	T clone();

	String toStringSecure();

	String toStringPretty();
}
