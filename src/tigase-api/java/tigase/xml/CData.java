package tigase.xml;

/**
 * Compile-time declaration of {@code tigase.xml.CData} (tigase-xmltools 4.3.0): a character-data
 * child of an {@link Element}. Like the real class it stores the text exactly as given: nothing
 * is escaped on output, the text is expected to be XML-escaped already.
 */
public class CData
		implements XMLNodeIfc<CData> {

	private String cdata;

	public CData(String cdata) {
		this.cdata = cdata;
	}

	@Override
	public CData clone() {
		try {
			return (CData) super.clone();
		} catch (CloneNotSupportedException e) {
			throw new InternalError(e);
		}
	}

	public String getCData() {
		return cdata;
	}

	public void setCdata(String cdata) {
		this.cdata = cdata;
	}

	@Override
	public String toString() {
		return cdata;
	}

	@Override
	public String toStringPretty() {
		return cdata;
	}

	@Override
	public String toStringSecure() {
		// Same rule as the real class: anything longer than two characters is hidden.
		if (cdata != null && cdata.length() > 2) {
			return "CData size: " + cdata.length();
		}
		return cdata;
	}

	@Override
	public int compareTo(CData o) {
		return cdata.compareTo(o.cdata);
	}
}
