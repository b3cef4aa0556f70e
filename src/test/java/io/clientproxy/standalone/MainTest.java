package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path config(String text) throws Exception {
        Path p = dir.resolve("proxy.conf");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void helpListsEveryOption() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (ConfigOption o : ConfigOption.values()) {
            assertTrue(help.contains("  " + o.key() + " "), o.key());
        }
        assertTrue(help.contains("[PT30S]"), help);
        // README: "SIGTERM stops it cleanly (exit 143)"; StandaloneJarIT sees that status.
        assertTrue(help.contains("143 after a normal stop by SIGTERM"), help);
        assertEquals("", err());
    }

    @Test
    void versionPrintsOneLine() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("tigase-client-proxy "));
    }

    @Test
    void aBadValueInTheFileExitsTwoWithOneLineNamingIt() throws Exception {
        Path conf = config("target-address = bot@localhost\ncomponent-domain = proxy.localhost\n"
                + "component-secret = pw\nrequest-timeout = soon\n");
        assertEquals(2, run("--config", conf.toString()));
        String e = err();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains("'request-timeout'") && e.contains("'soon'"), e);
    }

    @Test
    void commandLineOverridesTheFile() throws Exception {
        Path conf = config("target-address = bot@localhost\ncomponent-domain = proxy.localhost\ncomponent-secret = pw\n");
        assertEquals(2, run("--config=" + conf, "--server-port=none"));
        assertTrue(err().contains("'server-port'") && err().contains("'none'"), err());
    }

    @Test
    void unusableCommandLinesExitTwo() throws Exception {
        assertEquals(2, run("proxy.conf"));
        assertTrue(err().contains("unexpected argument 'proxy.conf'"), err());
        err.reset();
        assertEquals(2, run("--config"));
        err.reset();
        assertEquals(2, run("--config", dir.resolve("missing.conf").toString()));
        assertTrue(err().contains("missing.conf"), err());
        err.reset();
        assertEquals(2, run("--target-address=bot@localhost", "--component-secret=pw"));
        assertTrue(err().contains("'component-domain'"), err());
    }

    /** Issue 19 item 7: each configuration error says what to do. */
    @Test
    void configurationErrorsSayWhatToDo() throws Exception {
        assertEquals(2, run());
        assertTrue(err().startsWith("tigase-client-proxy: no configuration: run it with --config FILE"), err());
        assertFalse(err().contains("'null'"), err());
        err.reset();

        Path conf = config("target-address = bot@localhost\ncomponent-domain = proxy.localhost\n"
                + "component-secret = pw\nrequest-timout = PT5S\n");
        assertEquals(2, run("--config", conf.toString()));
        assertEquals("tigase-client-proxy: unknown option 'request-timout' in " + conf
                + ": did you mean 'request-timeout'? --help lists them all", err().strip());
        err.reset();
        assertEquals(2, run("--target-address=bot@localhost", "--component-domain=proxy.localhost",
                "--component-secret=pw", "--bogus-option-x=1"));
        assertTrue(err().contains("unknown option 'bogus-option-x' on the command line") && !err().contains("did you mean"),
                err());
        err.reset();

        assertEquals(2, run("--config", dir.resolve("missing.conf").toString()));
        assertTrue(err().contains("missing.conf does not exist: give the path of yours with --config"), err());
        assertFalse(err().contains("NoSuchFileException"), err());
        assertEquals(1, err().lines().count(), err());
        err.reset();

        Path partial = config("target-address = bot@localhost\ncomponent-secret = pw\n");
        assertEquals(2, run("--config", partial.toString()));
        assertTrue(err().startsWith("tigase-client-proxy: missing option 'component-domain' (the component's domain"), err());
        assertTrue(err().contains("add 'component-domain = ...' to " + partial), err());
    }

    @Test
    void aRefusedSecretOnTheFirstConnectionExitsTwo() throws Exception {
        try (FakeComponentServer server = new FakeComponentServer("right")) {
            server.refuseSecret(true);
            int status = run("--target-address=bot@localhost", "--component-domain=proxy.localhost",
                    "--component-secret=wrong", "--server-port=" + server.port(), "--stats-interval=PT0S");
            assertEquals(2, status);
        }
    }

    @Test
    void checkTakesAnOptionalLimit() {
        assertEquals(null, CommandLine.parse("--config", "a.conf").check());
        assertEquals(ConnectionCheck.DEFAULT_LIMIT, CommandLine.parse("--check").check());
        assertEquals(java.time.Duration.ofSeconds(5), CommandLine.parse("--check=PT5S").check());
        assertEquals(2, run("--check=soon", "--target-address=bot@localhost"));
        assertTrue(err().contains("--check=soon"), err());
    }

    @Test
    void commandLineParsing() {
        CommandLine cl = CommandLine.parse("--config", "a.conf", "--jat-mode=transparent", "--x=a=b");
        assertEquals(Path.of("a.conf"), cl.config());
        assertEquals(Map.of("jat-mode", "transparent", "x", "a=b"), cl.overrides());
    }
}
