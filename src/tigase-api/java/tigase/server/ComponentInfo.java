package tigase.server;

import java.util.HashMap;

/**
 * Compile-time declaration of {@code tigase.server.ComponentInfo} (tigase-server 8.4.0): what
 * Tigase logs as {@code Loading component: <name> :: componentInfo{Title=.., Version=.., Class=..}}.
 * <p>
 * As in the real class, the {@code (Class)} constructors read {@code Implementation-Title} and
 * {@code Implementation-Version} of the class's package (the jar manifest); a missing value becomes
 * {@code ""}. For a component class (real test: the class implements {@code ClusteredComponentIfc},
 * which every {@link BasicComponent} does) whose superclass lives in a package with a different
 * version, that version is appended: {@code "<component version>-<Tigase version>"}.
 * Also as in the real class, the four-argument constructor ignores {@code cmpName}.
 */
public class ComponentInfo {

	private final String cls;
	private final HashMap<String, Object> cmpData;
	private final String name;
	private final String title;
	private final String version;

	public ComponentInfo(String cmpTitle, String cmpVersion, String cmpCls) {
		this(null, cmpTitle, cmpVersion, cmpCls);
	}

	public ComponentInfo(String cmpName, String cmpTitle, String cmpVersion, String cmpCls) {
		this(null, cmpTitle, cmpVersion, cmpCls, new HashMap<>());
	}

	public ComponentInfo(String cmpName, String cmpTitle, String cmpVersion, String cmpCls,
	                     HashMap<String, Object> cmpData) {
		this.name = cmpName;
		this.title = cmpTitle;
		this.version = cmpVersion;
		this.cls = cmpCls;
		this.cmpData = cmpData;
	}

	public ComponentInfo(Class<?> c) {
		this(null, c);
	}

	public ComponentInfo(String cmpName, Class<?> c) {
		this.name = cmpName;
		this.title = getImplementationTitle(c);
		this.version = getImplementationVersion(c);
		this.cls = c.getName();
		this.cmpData = new HashMap<>();
	}

	public static String getImplementationTitle(Class<?> c) {
		Package p = implementation(c);
		String title = (p == null) ? null : p.getImplementationTitle();
		return (title == null) ? "" : title;
	}

	public static String getImplementationVersion(Class<?> c) {
		Package p = implementation(c);
		String version = (p == null) ? null : p.getImplementationVersion();
		if (BasicComponent.class.isAssignableFrom(c)) {
			Package superPackage = implementation(c.getSuperclass());
			if (p != superPackage && superPackage != null && !superPackage.equals(p)) {
				String superVersion = superPackage.getImplementationVersion();
				if (superVersion != null && version != null && !version.equals(superVersion)) {
					version += "-" + superVersion;
				}
			}
		}
		return (version == null) ? "" : version;
	}

	public String getName() {
		return name;
	}

	public String getComponentTitle() {
		return title;
	}

	public String getComponentVersion() {
		return version;
	}

	public String getComponentClass() {
		return cls;
	}

	public HashMap<String, Object> getComponentData() {
		return cmpData;
	}

	@Override
	public String toString() {
		return (name == null ? "" : name + " :: ") + "componentInfo{" +
				(title.isEmpty() ? "" : "Title=" + title + ", ") +
				(version.isEmpty() ? "" : "Version=" + version + ", ") + "Class=" + cls +
				(cmpData.isEmpty() ? "" : ", componentData=" + cmpData) + '}';
	}

	private static Package implementation(Class<?> c) {
		return (c.getPackage() == null) ? ComponentInfo.class.getPackage() : c.getPackage();
	}
}
