package io.clientproxy.tigase;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The copies of this component on Tigase's class path. Tigase starts with {@code -cp 'jars/*'}:
 * every jar in {@code jars/} is on the class path, so an upgrade that leaves the old jar beside
 * the new one (a renamed copy, or a container whose start-up copies jars without overwriting)
 * runs with both, each class taken from whichever jar the JVM lists first. Versions then mix
 * class by class, which fails in ways that point nowhere near the cause.
 */
final class ClassPathCopies {
    /** The resource every copy holds. */
    static final String MARKER = ClientProxyComponent.class.getName().replace('.', '/') + ".class";

    /** One copy: where it is, and the version its manifest names ({@code unknown} when it names none). */
    record Copy(String location, String version) {
        @Override
        public String toString() {
            return location + " (version " + version + ")";
        }
    }

    private ClassPathCopies() {
    }

    /** Every copy {@code loader} can see, in class path order (the first is the one classes load from). */
    static List<Copy> find(ClassLoader loader) {
        List<Copy> copies = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources(MARKER))) {
                copies.add(describe(url));
            }
        } catch (IOException e) {
            // Nothing to compare: a check that cannot run is no reason to stop the component.
        }
        return copies;
    }

    private static Copy describe(URL url) {
        try {
            URLConnection connection = url.openConnection();
            if (connection instanceof JarURLConnection jar) {
                // Not cached: the JVM shares cached JarFiles, and closing a shared one breaks class loading.
                jar.setUseCaches(false);
                String path = jar.getJarFileURL().getPath();
                try (JarFile file = new JarFile(path)) {
                    Manifest manifest = file.getManifest();
                    String version = manifest == null ? null
                            : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                    return new Copy(path, version == null ? "unknown" : version);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the location is still worth reporting
        }
        return new Copy(url.toString(), "unknown");
    }

    /**
     * The SEVERE message for more than one copy, or null for one (or none: not loaded from a jar).
     *
     * @param copies as {@link #find} returns them
     */
    static String problem(List<Copy> copies) {
        if (copies.size() < 2) {
            return null;
        }
        return copies.size() + " copies of tigase-client-proxy are on Tigase's class path: " + copies
                + "; classes load from the first, class by class, so versions mix. Tigase puts every jar in jars/ on "
                + "its class path: keep exactly one (scripts/install-tigase refuses to add a second) and restart Tigase";
    }
}
