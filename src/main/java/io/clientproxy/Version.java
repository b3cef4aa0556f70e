package io.clientproxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The product's version, as the build wrote it (the jar manifest carries the same value). */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String current() {
        return VERSION;
    }

    private static String load() {
        String fromManifest = Version.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through: an unknown version is no reason to fail
        }
        return "unknown";
    }
}
