package io.clientproxy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/install-tigase on a directory laid out like a Tigase 8.4 installation. */
class InstallTigaseScriptIT {
    @TempDir
    Path tigase;

    private record Run(int status, String output) {}

    private Run install(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "scripts/install-tigase"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private void layOut() throws IOException {
        Files.createDirectories(tigase.resolve("jars"));
        Files.createDirectories(tigase.resolve("etc"));
        Files.writeString(tigase.resolve("etc/config.tdsl"), "'config-type' = 'default'\n");
        Files.writeString(tigase.resolve("jars/tigase-client-proxy-0.0.1.jar"), "old");
    }

    @Test
    void copiesTheJarAndAddsTheBeanOnce() throws Exception {
        layOut();
        Run first = install(tigase.toString(), "bot@example.com", "proxy");
        assertEquals(0, first.status(), first.output());
        try (Stream<Path> jars = Files.list(tigase.resolve("jars"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of(Path.of(System.getProperty("proxy.jar")).getFileName().toString()), names,
                    "the old version is replaced");
        }
        String config = Files.readString(tigase.resolve("etc/config.tdsl"));
        assertTrue(config.contains("'proxy' (class: 'io.clientproxy.tigase.ClientProxyComponent') {"), config);
        assertTrue(config.contains("'target-address' = 'bot@example.com'"), config);
        assertFalse(config.contains("//"), "config.tdsl takes # comments only");

        Run second = install(tigase.toString(), "bot@example.com", "proxy");
        assertEquals(0, second.status(), second.output());
        assertEquals(config, Files.readString(tigase.resolve("etc/config.tdsl")), "a second run adds nothing");

        // A second bean: a backup of its own, and the first backup still holds the original.
        assertEquals(0, install(tigase.toString(), "weather-bot@example.com", "weather").status());
        try (Stream<Path> files = Files.list(tigase.resolve("etc"))) {
            List<String> backups = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("config.tdsl.bak-client-proxy-")).sorted().toList();
            assertEquals(2, backups.size(), backups.toString());
            assertTrue(backups.stream().anyMatch(b -> readQuietly(tigase.resolve("etc").resolve(b))
                    .equals("'config-type' = 'default'\n")), "the original is kept: " + backups);
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** What Tigase 8.4's ConfigWriter makes of the bean when it rewrites config.tdsl (no comments, class unquoted). */
    @Test
    void recognisesTheBeanAfterTigaseRewroteTheConfiguration() throws Exception {
        layOut();
        String rewritten = "'config-type' = 'default'\n"
                + "c2s {\n    seeOtherHost {}\n}\n"
                + "proxy (class: io.clientproxy.tigase.ClientProxyComponent) {\n    'target-address' = 'bot@example.com'\n}\n";
        Files.writeString(tigase.resolve("etc/config.tdsl"), rewritten);
        Run run = install(tigase.toString(), "bot@example.com", "proxy");
        assertEquals(0, run.status(), run.output());
        assertEquals(rewritten, Files.readString(tigase.resolve("etc/config.tdsl")), "no second bean");
        assertTrue(run.output().contains("already"), run.output());
    }

    @Test
    void refusesBadArguments() throws Exception {
        layOut();
        assertEquals(2, install(tigase.toString(), "bot@example.com/resource").status());
        assertEquals(2, install(tigase.toString(), "example.com").status());
        assertEquals(2, install(tigase.resolve("nowhere").toString(), "bot@example.com").status());
        assertEquals(2, install().status());
        Run shadowing = install(tigase.toString(), "Proxy@example.com", "proxy");
        assertEquals(2, shadowing.status(), "a bean named like the target's local part takes the target's stanzas");
        assertTrue(shadowing.output().contains("pick another name"), shadowing.output());
    }

    /**
     * A copy of the component under another name (renamed, or left in a container's jars/ by an
     * earlier image): Tigase would load both. Refused with status 3, nothing changed.
     */
    @Test
    void refusesASecondCopyUnderAnotherName() throws Exception {
        layOut();
        Path built = Path.of(System.getProperty("proxy.jar"));
        Path renamed = tigase.resolve("jars/client-proxy.jar");
        Files.copy(built, renamed);
        Files.writeString(tigase.resolve("jars/tigase-server.jar"), "not the component");
        String config = Files.readString(tigase.resolve("etc/config.tdsl"));
        Run run = install(tigase.toString(), "bot@example.com", "proxy");
        assertEquals(3, run.status(), run.output());
        assertTrue(run.output().contains(renamed.toString()), run.output());
        try (Stream<Path> jars = Files.list(tigase.resolve("jars"))) {
            assertEquals(List.of("client-proxy.jar", "tigase-client-proxy-0.0.1.jar", "tigase-server.jar"),
                    jars.map(p -> p.getFileName().toString()).sorted().toList(), "no jar added or removed");
        }
        assertEquals(config, Files.readString(tigase.resolve("etc/config.tdsl")), "configuration unchanged");

        Files.delete(renamed);
        Run again = install(tigase.toString(), "bot@example.com", "proxy");
        assertEquals(0, again.status(), again.output());
    }
}
