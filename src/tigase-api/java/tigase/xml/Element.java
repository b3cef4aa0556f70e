package tigase.xml;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

/**
 * Compile-time declaration of {@code tigase.xml.Element} (tigase-xmltools 4.3.0), with the subset
 * of its API this project uses. The behaviour follows the real class:
 * <ul>
 * <li>element names, attribute names and the {@code xmlns} value are interned; the namespace is an
 * ordinary attribute named {@code xmlns};</li>
 * <li>attributes live in an identity map: {@link #getAttributeStaticStr(String)} finds an attribute
 * only when given the interned name (a string literal or {@code String.intern()}), and
 * {@link #toString()} writes attributes in identity-hash order, which differs from run to run;</li>
 * <li>nothing is escaped: attribute values and character data are written exactly as stored (the
 * real parser keeps entities such as {@code &amp;amp;} escaped, and code that builds stanzas
 * escapes values itself);</li>
 * <li>character data is kept as {@link CData} children, interleaved with child elements;</li>
 * <li>{@link #getChildren()} returns {@code null} when no child node was ever added;</li>
 * <li>the {@code ...StaticStr} path methods compare names with {@code ==}.</li>
 * </ul>
 */
@SuppressWarnings("rawtypes")
public class Element
		implements XMLNodeIfc<Element> {

	private AttributeMap attributes = null;
	private LinkedList<XMLNodeIfc> children = null;
	private String name = null;
	private String xmlns = null;

	public Element(String name) {
		setNameInternal(name);
	}

	public Element(String name, String cdata) {
		setNameInternal(name);
		if (cdata != null) {
			setCData(cdata);
		}
	}

	public Element(String name, String[] attNames, String[] attValues) {
		setNameInternal(name);
		if (attNames != null) {
			setAttributes(attNames, attValues);
		}
	}

	public Element(String name, String cdata, String[] attNames, String[] attValues) {
		setNameInternal(name);
		if (cdata != null) {
			setCData(cdata);
		}
		if (attNames != null) {
			setAttributes(attNames, attValues);
		}
	}

	public void addCData(String cdata) {
		addChild(new CData(cdata));
	}

	public void addChild(XMLNodeIfc child) {
		if (child == null) {
			throw new NullPointerException("Element child can not be null.");
		}
		if (children == null) {
			children = new LinkedList<>();
		}
		children.add(child);
	}

	/** Adds copies (clones) of the given elements, as the real method does. */
	public void addChildren(List<Element> children) {
		if (children == null) {
			return;
		}
		if (this.children == null) {
			this.children = new LinkedList<>();
		}
		for (Element child : children) {
			this.children.add(child.clone());
		}
	}

	@Override
	public Element clone() {
		Element result;
		try {
			result = (Element) super.clone();
		} catch (CloneNotSupportedException e) {
			throw new InternalError(e);
		}
		result.attributes = (attributes != null) ? attributes.copy() : null;
		if (children != null) {
			result.children = new LinkedList<>();
			for (XMLNodeIfc child : children) {
				result.children.add(child.clone());
			}
		} else {
			result.children = null;
		}
		return result;
	}

	@Override
	public int compareTo(Element elem) {
		return toStringNoChildren().compareTo(elem.toStringNoChildren());
	}

	/** Real semantics: two elements are equal when name, attributes and character data match. */
	@Override
	public boolean equals(Object obj) {
		if (obj instanceof Element) {
			return toStringNoChildren().equals(((Element) obj).toStringNoChildren());
		}
		return false;
	}

	@Override
	public int hashCode() {
		return toStringNoChildren().hashCode();
	}

	public Element findChild(String[] elemPath) {
		String[] path = elemPath;
		if (path[0].isEmpty()) {
			String[] tmp = new String[path.length - 1];
			System.arraycopy(path, 1, tmp, 0, tmp.length);
			path = tmp;
		}
		if (!path[0].equals(getName())) {
			return null;
		}
		Element child = this;
		for (int i = 1; (i < path.length) && (child != null); i++) {
			child = child.getChild(path[i]);
		}
		return child;
	}

	/** Path lookup comparing names with {@code ==} (interned strings only), as the real method. */
	public Element findChildStaticStr(String[] elementPath) {
		if (elementPath[0] != getName()) {
			return null;
		}
		Element child = this;
		for (int i = 1; (i < elementPath.length) && (child != null); i++) {
			child = child.getChildStaticStr(elementPath[i]);
		}
		return child;
	}

	/**
	 * The attribute's value as stored (escaped as in XML): interns the name, so any string equal to
	 * the name finds it. Deprecated in 8.4.0 (xmltools 4.3.0) in favour of
	 * {@link #getAttributeStaticStr(String)}; master (xmltools 4.4.0-SNAPSHOT) deprecates that one
	 * instead and keeps this.
	 */
	@Deprecated
	public String getAttribute(String attName) {
		if (attributes != null) {
			return attributes.get(attName.intern());
		}
		return null;
	}

	/** Identity lookup: only an interned attribute name finds the attribute. */
	public String getAttributeStaticStr(String attName) {
		if (attributes != null) {
			return attributes.get(attName);
		}
		return null;
	}

	public String getAttributeStaticStr(String[] elementPath, String attName) {
		Element child = findChildStaticStr(elementPath);
		return (child != null) ? child.getAttributeStaticStr(attName) : null;
	}

	/** Returns a copy of the attributes, or {@code null} if no attribute was ever set. */
	public Map<String, String> getAttributes() {
		return (attributes != null) ? new LinkedHashMap<>(attributes) : null;
	}

	public void setAttributes(Map<String, String> newAttributes) {
		attributes = new AttributeMap(newAttributes.size());
		for (Map.Entry<String, String> entry : newAttributes.entrySet()) {
			setAttribute(entry.getKey(), entry.getValue());
		}
	}

	public void setAttributes(String[] names, String[] values) {
		attributes = new AttributeMap(names.length);
		for (int i = 0; i < names.length; i++) {
			if (names[i] != null) {
				setAttribute(names[i], values[i]);
			}
		}
	}

	/** Concatenation of all character-data children, or {@code null} if there is none. */
	public String getCData() {
		return cdataToString();
	}

	/** Replaces the first character-data child, or appends one if there is none. */
	public void setCData(String cdata) {
		if (children != null) {
			for (XMLNodeIfc child : children) {
				if (child instanceof CData) {
					((CData) child).setCdata(cdata);
					return;
				}
			}
		}
		addChild(new CData(cdata));
	}

	public String getCDataStaticStr(String[] elementPath) {
		return getChildCDataStaticStr(elementPath);
	}

	public String getChildCDataStaticStr(String[] elementPath) {
		Element child = findChildStaticStr(elementPath);
		return (child != null) ? child.getCData() : null;
	}

	public Element getChild(String name) {
		if (children != null) {
			for (XMLNodeIfc node : children) {
				if (node instanceof Element && ((Element) node).getName().equals(name)) {
					return (Element) node;
				}
			}
		}
		return null;
	}

	/** Returns the first child with the given name and namespace; a {@code null} namespace matches any. */
	public Element getChild(String name, String childXmlns) {
		if (childXmlns == null) {
			return getChild(name);
		}
		if (children != null) {
			for (XMLNodeIfc node : children) {
				if (node instanceof Element) {
					Element elem = (Element) node;
					if (elem.getName().equals(name) &&
							((elem.getXMLNS() == childXmlns) || childXmlns.equals(elem.getXMLNS()))) {
						return elem;
					}
				}
			}
		}
		return null;
	}

	public Element getChildStaticStr(String name) {
		if (children != null) {
			for (XMLNodeIfc node : children) {
				if (node instanceof Element && ((Element) node).getName() == name) {
					return (Element) node;
				}
			}
		}
		return null;
	}

	/** Child elements (character data left out), or {@code null} if no child node was ever added. */
	public List<Element> getChildren() {
		if (children != null) {
			LinkedList<Element> result = new LinkedList<>();
			for (XMLNodeIfc node : children) {
				if (node instanceof Element) {
					result.add((Element) node);
				}
			}
			return result;
		}
		return null;
	}

	public List<Element> getChildrenStaticStr(String[] elementPath) {
		Element child = findChildStaticStr(elementPath);
		return (child != null) ? child.getChildren() : null;
	}

	public String getName() {
		return name;
	}

	public String getXMLNS() {
		if (xmlns == null) {
			String tmp = getAttributeStaticStr("xmlns");
			xmlns = (tmp != null) ? tmp.intern() : null;
		}
		return xmlns;
	}

	/** Sets (or, for {@code null}, removes) the {@code xmlns} attribute. */
	public void setXMLNS(String ns) {
		if (ns == null) {
			xmlns = null;
			removeAttribute("xmlns");
		} else {
			xmlns = ns.intern();
			setAttribute("xmlns", xmlns);
		}
	}

	public String getXMLNSStaticStr(String[] elementPath) {
		Element child = findChildStaticStr(elementPath);
		return (child != null) ? child.getXMLNS() : null;
	}

	/**
	 * Removes an attribute. As in the real class, removing {@code "xmlns"} this way leaves the
	 * cached namespace in place: use {@code setXMLNS(null)} to drop the namespace.
	 */
	public void removeAttribute(String key) {
		if (attributes != null) {
			attributes.remove(key.intern());
		}
	}

	public boolean removeChild(Element child) {
		return (children != null) && children.remove(child);
	}

	/** Neither the name nor the value may be {@code null}. */
	public void setAttribute(String key, String value) {
		if (attributes == null) {
			attributes = new AttributeMap(5);
		}
		String k = key.intern();
		String v = value;
		if (k == "xmlns") {
			xmlns = value.intern();
			v = xmlns;
		}
		attributes.put(k, v);
	}

	@Override
	public String toString() {
		StringBuilder result = new StringBuilder();
		appendTo(result, false);
		return result.toString();
	}

	public String toStringNoChildren() {
		StringBuilder result = new StringBuilder();
		result.append('<').append(name);
		appendAttributes(result);
		String cdata = cdataToString();
		if (cdata != null) {
			result.append('>').append(cdata).append("</").append(name).append('>');
		} else {
			result.append("/>");
		}
		return result.toString();
	}

	@Override
	public String toStringPretty() {
		StringBuilder result = new StringBuilder();
		result.append('<').append(name);
		appendAttributes(result);
		StringBuilder childrenStr = new StringBuilder();
		if (children != null) {
			for (XMLNodeIfc child : children) {
				if (child != null) {
					childrenStr.append(child.toStringPretty());
				}
			}
		}
		if (childrenStr.length() > 0) {
			result.append(">\n").append(childrenStr).append("</").append(name).append(">\n");
		} else {
			result.append("/>\n");
		}
		return result.toString();
	}

	/** Like {@link #toString()} but character data longer than two characters is hidden. */
	@Override
	public String toStringSecure() {
		StringBuilder result = new StringBuilder();
		appendTo(result, true);
		return result.toString();
	}

	private void setNameInternal(String argName) {
		this.name = argName.intern();
	}

	private void appendAttributes(StringBuilder result) {
		if (attributes != null) {
			for (Map.Entry<String, String> att : attributes.entrySet()) {
				result.append(' ').append(att.getKey()).append("=\"").append(att.getValue()).append('"');
			}
		}
	}

	private void appendTo(StringBuilder result, boolean secure) {
		result.append('<').append(name);
		appendAttributes(result);
		if (children != null && !children.isEmpty()) {
			result.append('>');
			for (XMLNodeIfc child : children) {
				if (child instanceof Element) {
					((Element) child).appendTo(result, secure);
				} else if (child != null) {
					result.append(secure ? child.toStringSecure() : child.toString());
				}
			}
			result.append("</").append(name).append('>');
		} else {
			result.append("/>");
		}
	}

	private String cdataToString() {
		StringBuilder result = new StringBuilder();
		if (children != null) {
			for (XMLNodeIfc child : children) {
				if (child instanceof CData) {
					result.append(child.toString());
				}
			}
		}
		return (result.length() > 0) ? result.toString() : null;
	}

	/** Identity map refusing {@code null} keys and values, like the real XMLIdentityHashMap. */
	private static final class AttributeMap
			extends IdentityHashMap<String, String> {

		private static final long serialVersionUID = 1L;

		private AttributeMap(int size) {
			super(size);
		}

		@Override
		public String put(String key, String value) {
			if (key == null || value == null) {
				throw new NullPointerException(
						"Neither attribute key or value can be set to null. Attribute: " + key + ", value: " +
								value);
			}
			return super.put(key, value);
		}

		/** Same table, hence the same iteration order, as the real clone of the map. */
		private AttributeMap copy() {
			return (AttributeMap) clone();
		}
	}
}
