package io.clientproxy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The jar an operator drops into Tigase's jars/: our classes only, named and versioned. */
class JarContentsIT {
    private static Path jar() {
        String path = System.getProperty("proxy.jar");
        assertNotNull(path, "failsafe passes the packaged jar as system property proxy.jar");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "no jar at " + jar);
        return jar;
    }

    @Test
    void jarHoldsNoTigaseClasses() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> tigase = jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("tigase/")).toList();
            assertEquals(List.of(), tigase, "the compile-time Tigase declaration must not ship");
            assertNotNull(jar.getEntry("io/clientproxy/tigase/ClientProxyComponent.class"));
            assertNotNull(jar.getEntry("io/clientproxy/core/ProxyCore.class"));
        }
    }

    /**
     * One file, no clash: the embedded parser (Woodstox, stax2) is relocated under
     * io/clientproxy/shaded, and no StAX provider is registered, so that a JVM the jar is put in
     * (Tigase's) keeps its own XMLInputFactory.
     */
    @Test
    void embeddedClassesAreRelocatedAndRegisterNothing() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> outside = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("io/clientproxy/")).toList();
            assertEquals(List.of(), outside, "classes outside io/clientproxy");
            List<String> services = jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("META-INF/services/")).toList();
            assertEquals(List.of(), services);
            assertNotNull(jar.getEntry("io/clientproxy/shaded/wstx/stax/WstxInputFactory.class"));
            assertNotNull(jar.getEntry("META-INF/THIRD-PARTY-LICENSES.txt"));
        }
    }

    @Test
    void nameAndManifestCarryTheVersion() throws IOException {
        Path path = jar();
        assertEquals("tigase-client-proxy-" + Version.current() + ".jar", path.getFileName().toString());
        try (JarFile jar = new JarFile(path.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("tigase-client-proxy", main.getValue(Attributes.Name.IMPLEMENTATION_TITLE));
            assertEquals(Version.current(), main.getValue(Attributes.Name.IMPLEMENTATION_VERSION));
            assertEquals("io.clientproxy.standalone.Main", main.getValue(Attributes.Name.MAIN_CLASS));
        }
    }

    /**
     * The Java modules of the trimmed runtime in Tigase's official container images: the
     * {@code jlink --add-modules} list of {@code tigase/tigase-xmpp-server-base:17}
     * ({@code jre-17/Dockerfile}) and of {@code 8.3.1/Dockerfile} in github.com/tigase/tigase-xmpp-server-docker
     * (the newest there, 2024-02-08). A module outside it would make the component fail in that
     * image with {@code NoClassDefFoundError} while it works on a full JDK.
     */
    static final Set<String> TIGASE_IMAGE_MODULES = Set.of("java.base", "java.logging", "java.management",
            "java.management.rmi", "java.rmi", "java.naming", "jdk.naming.rmi", "jdk.naming.dns", "java.security.sasl",
            "java.sql", "jdk.management", "java.scripting", "java.net.http", "jdk.crypto.ec", "java.desktop",
            "jdk.httpserver", "java.compiler", "java.prefs", "java.xml");

    /** {@code jdeps --print-module-deps} of the jar (Tigase's own classes are not there to resolve: ignored). */
    @Test
    void needsOnlyModulesOfTigasesContainerRuntime() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), "--print-module-deps",
                "--ignore-missing-deps", "--multi-release", "17", jar().toString());
        assertEquals(0, status, err.toString());
        Set<String> needed = new TreeSet<>(Arrays.asList(out.toString().trim().split(",")));
        System.out.println("jdeps: the jar needs " + needed);
        assertTrue(needed.contains("java.base"), out.toString());
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(TIGASE_IMAGE_MODULES);
        assertEquals(Set.of(), missing, "modules the jar needs that Tigase's container runtime lacks (needs " + needed + ")");
    }
}
