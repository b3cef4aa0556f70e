package io.clientproxy.tigase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two jars of the component side by side in Tigase's jars/, as an upgrade in a container can leave them. */
class ClassPathCopiesTest {
    @TempDir
    Path jars;

    private Path jar(String name, String version, boolean withComponent) throws IOException {
        Path jar = jars.resolve(name);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.putNextEntry(new JarEntry(withComponent ? ClassPathCopies.MARKER : "other/Thing.class"));
            j.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            j.closeEntry();
        }
        return jar;
    }

    private static URLClassLoader classPath(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        return new URLClassLoader(urls, null);
    }

    @Test
    void twoCopiesAreFoundInClassPathOrderWithTheirVersions() throws IOException {
        Path old = jar("tigase-client-proxy-0.1.0.jar", "0.1.0", true);
        Path other = jar("tigase-server.jar", "8.4.0", false);
        Path renamed = jar("client-proxy.jar", "0.2.0", true);
        try (URLClassLoader loader = classPath(old, other, renamed)) {
            List<ClassPathCopies.Copy> copies = ClassPathCopies.find(loader);
            assertEquals(List.of(new ClassPathCopies.Copy(old.toString(), "0.1.0"),
                    new ClassPathCopies.Copy(renamed.toString(), "0.2.0")), copies);
            String problem = ClassPathCopies.problem(copies);
            assertTrue(problem.startsWith("2 copies of tigase-client-proxy are on Tigase's class path: ["
                    + old + " (version 0.1.0), " + renamed + " (version 0.2.0)]"), problem);
        }
    }

    @Test
    void oneCopyIsNoProblem() throws IOException {
        Path only = jar("tigase-client-proxy-0.2.0.jar", null, true);
        try (URLClassLoader loader = classPath(only, jar("x.jar", "1", false))) {
            List<ClassPathCopies.Copy> copies = ClassPathCopies.find(loader);
            assertEquals(List.of(new ClassPathCopies.Copy(only.toString(), "unknown")), copies);
            assertNull(ClassPathCopies.problem(copies));
        }
    }

    /** In the build, the component's classes come from a directory: one copy, nothing to say. */
    @Test
    void theBuildsOwnClassPathHasOneCopy() {
        List<ClassPathCopies.Copy> copies = ClassPathCopies.find(ClientProxyComponent.class.getClassLoader());
        assertEquals(1, copies.size(), copies::toString);
        assertNull(ClassPathCopies.problem(copies));
    }
}
