package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clientproxy.e2e.ProsodyServer;
import io.clientproxy.e2e.XmppClients;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The shipped jar as its own process, {@code java -jar <jar>} and nothing else on the class path:
 * the standalone mode needs no Tigase class and no dependency besides the JDK.
 */
@Timeout(90)
class StandaloneJarIT {
    private static final String COMPONENT = "proxy.localhost";
    private static final String SECRET = "jar-" + Long.toHexString(System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static ProsodyServer prosody;
    private static EchoBot bot;
    private static XMPPTCPConnection alice;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        jar();
        prosody = ProsodyServer.builder().domain("localhost").component(COMPONENT, SECRET).start();
        prosody.register("bot", "bot-pw");
        prosody.register("alice", "alice-pw");
        bot = EchoBot.connect(prosody, "bot", "bot-pw", "only");
        alice = XmppClients.connect(prosody, "alice", "alice-pw", "phone", 0);
    }

    @AfterAll
    static void stop() {
        if (bot != null) {
            bot.close();
        }
        if (alice != null) {
            alice.disconnect();
        }
        if (prosody != null) {
            prosody.close();
        }
    }

    static Path jar() {
        String path = System.getProperty("proxy.jar");
        // Under surefire (e.g. -Dtest=io.clientproxy.standalone.**) the jar is not built yet: failsafe runs this.
        assumeTrue(path != null, "needs the packaged jar: failsafe passes it as system property proxy.jar");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "run 'mvn verify' (the jar is built in 'package'): " + jar);
        return jar;
    }

    private Path config(String... extraLines) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "# written by " + getClass().getSimpleName(),
                "server-host = " + prosody.host(),
                "server-port = " + prosody.componentPort(),
                "component-domain = " + COMPONENT,
                "component-secret = " + SECRET,
                "target-address = bot@localhost",
                "reconnect-min = PT0.2S",
                "stats-interval = PT1S"));
        lines.addAll(List.of(extraLines));
        Path conf = dir.resolve("proxy.conf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return conf;
    }

    /** {@code java -jar <jar> args}, with an empty CLASSPATH and stderr to a file. */
    private Process launch(Path stderr, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return pb.start();
    }

    private static int exitWithin(Process p, Duration d) throws InterruptedException {
        if (!p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the proxy process did not exit within " + d);
        }
        return p.exitValue();
    }

    @Test
    void theJarAloneProxiesARequestAndStopsCleanlyOnSigterm() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = launch(stderr, "--config", config().toString());
        try {
            IQ answer = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            // Until the process has connected and seen the bot's presence, alice gets service-unavailable.
            while (answer == null) {
                assertTrue(p.isAlive(), () -> "the proxy exited: " + read(stderr));
                EchoIq iq = new EchoIq("via jar");
                iq.setType(IQ.Type.get);
                iq.setTo(JidCreate.domainBareFrom(COMPONENT));
                try {
                    answer = alice.createStanzaCollectorAndSend(iq).nextResultOrThrow(5000);
                } catch (XMPPException.XMPPErrorException notYet) {
                    assertTrue(System.nanoTime() < deadline, () -> "no answer through the jar: " + read(stderr));
                    Thread.sleep(100);
                }
            }
            assertEquals(COMPONENT, answer.getFrom().toString());
            assertTrue(((EchoIq) answer).text().startsWith("via jar from " + COMPONENT + "/"), ((EchoIq) answer).text());

            // The periodic summary (stats-interval PT1S) shows the request.
            long until = System.nanoTime() + WAIT.toNanos();
            while (!read(stderr).contains("forwarded=1 delivered=1") && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertTrue(read(stderr).contains("forwarded=1 delivered=1"), read(stderr));
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook closes the stream
        }
        assertEquals(143, exitWithin(p, WAIT), "SIGTERM is a normal stop: 128 + 15, as --help and README say");
        String log = read(stderr);
        assertTrue(log.contains("connected to " + prosody.host() + ":" + prosody.componentPort()), log);
        assertTrue(log.contains("stopped;"), "logged while shutting down: " + log);
        assertTrue(log.contains("stopped; component " + COMPONENT + " since the start: forwarded="), log);
        assertFalse(log.contains("NOT connected"), "a normal stop is no loss of the connection: " + log);
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("tigase/"), log);
        for (String line : log.split("\n")) {
            assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [A-Z]+ .*"), "one line per record: " + line);
        }
    }

    @Test
    void aBadValueExitsTwoNamingTheKey() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = launch(stderr, "--config", config("request-timeout = soon").toString());
        assertEquals(2, exitWithin(p, WAIT));
        String err = read(stderr).strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("'request-timeout'") && err.contains("'soon'"), err);
    }

    @Test
    void aWrongSecretExitsTwo() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = launch(stderr, "--config", config().toString(), "--component-secret=wrong");
        assertEquals(2, exitWithin(p, WAIT));
        String err = read(stderr);
        assertTrue(err.contains("not-authorized") && err.contains(prosody.host() + ":" + prosody.componentPort()), err);
    }

    /** Exit status 2 and exactly one SEVERE line that contains every one of {@code expected}. */
    private void exitsTwoWithOneLine(Process p, Path stderr, String... expected) throws Exception {
        assertEquals(2, exitWithin(p, WAIT), () -> read(stderr));
        String err = read(stderr);
        List<String> severe = err.lines().filter(l -> l.contains(" SEVERE ")).toList();
        assertEquals(1, severe.size(), err);
        for (String e : expected) {
            assertTrue(severe.get(0).contains(e), "'" + e + "' in: " + severe.get(0));
        }
        assertEquals(0, err.lines().filter(l -> l.contains("trying again")).count(), "not retried: " + err);
    }

    @Test
    void aComponentDomainTheServerDoesNotKnowExitsTwo() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = launch(stderr, "--config", config().toString(), "--component-domain=unknown.localhost");
        exitsTwoWithOneLine(p, stderr, "host-unknown", "unknown.localhost", prosody.host() + ":" + prosody.componentPort());
    }

    @Test
    void aSecondInstanceOfTheSameComponentExitsTwo() throws Exception {
        StandaloneProxy first = StandaloneProxy.start(StandaloneSettings.builder()
                .server(prosody.host(), prosody.componentPort()).component(COMPONENT, SECRET).target("bot@localhost")
                .statsInterval(Duration.ZERO).build());
        try {
            assertTrue(first.awaitConnected(WAIT));
            Path stderr = dir.resolve("stderr.txt");
            Process p = launch(stderr, "--config", config().toString());
            exitsTwoWithOneLine(p, stderr, "conflict", COMPONENT);
            assertTrue(first.isConnected(), "the first instance is left alone");
            assertEquals(0, first.counters().get(StandaloneCounter.CONNECTION_LOSSES));
        } finally {
            first.close();
        }
    }

    @Test
    void aServerHostThatDoesNotResolveExitsTwo() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = launch(stderr, "--config", config().toString(), "--server-host=no-such-host.invalid");
        exitsTwoWithOneLine(p, stderr, "no-such-host.invalid", "does not resolve");
    }

    @Test
    void helpExitsZero() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = launch(stderr, "--help");
        assertEquals(0, exitWithin(p, WAIT));
        assertTrue(read(dir.resolve("stdout.txt")).contains("component-secret"));
    }

    @Test
    void theJarShipsNoTigaseClassesAndNoClassPath() throws Exception {
        try (JarFile jar = new JarFile(jar().toFile())) {
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("tigase/")));
            assertEquals("io.clientproxy.standalone.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertEquals(null, jar.getManifest().getMainAttributes().getValue("Class-Path"));
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
