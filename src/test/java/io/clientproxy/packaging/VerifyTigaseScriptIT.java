package io.clientproxy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/verify-tigase when it cannot run a scenario: one line saying what and where, exit status
 * 1, before any build (the installations here are fakes; the real runs need a real Tigase).
 */
class VerifyTigaseScriptIT {
    @TempDir
    Path tigase;

    private record Run(int status, String output) {}

    private static Run verify(Path home, String javaHome) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "scripts/verify-tigase", home.toString()))
                .redirectErrorStream(true);
        pb.environment().put("TIGASE_JAVA_HOME", javaHome);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    /** A tigase-server jar whose XMPPServer class file says it needs Java {@code feature}. */
    private void fakeInstallation(int feature) throws IOException {
        Files.createDirectories(tigase.resolve("etc"));
        Files.createDirectories(tigase.resolve("jars"));
        byte[] header = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, (byte) (feature + 44)};
        try (OutputStream f = Files.newOutputStream(tigase.resolve("jars/tigase-server.jar"));
             JarOutputStream jar = new JarOutputStream(f)) {
            jar.putNextEntry(new JarEntry("META-INF/MANIFEST.MF"));
            jar.write("Manifest-Version: 1.0\nImplementation-Version: 9.9.9-test\n".getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry("tigase/server/XMPPServer.class"));
            jar.write(header);
        }
    }

    @Test
    void aTigaseNeedingANewerJavaThanTheOneGivenIsOneLine() throws Exception {
        fakeInstallation(99);
        Run run = verify(tigase, System.getProperty("java.home"));
        assertEquals(1, run.status(), run.output());
        List<String> lines = run.output().lines().toList();
        assertEquals(1, lines.size(), run.output());
        assertTrue(lines.get(0).startsWith("verify-tigase: CANNOT RUN the scenarios: Tigase 9.9.9-test in " + tigase
                + " needs Java 99 or later (class files of version 143); TIGASE_JAVA_HOME="), run.output());
    }

    @Test
    void notAnInstallationIsAUsageError() throws Exception {
        Run run = verify(tigase.resolve("nowhere"), System.getProperty("java.home"));
        assertEquals(2, run.status(), run.output());
        assertTrue(run.output().startsWith("verify-tigase: "), run.output());
    }
}
