package io.clientproxy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
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
}
