package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar <jar> --config <file> --check} against a real Prosody: exit 0 and the steps when
 * the target approved and answers pings (Smack answers {@code urn:xmpp:ping} itself), exit 1 and
 * the one line naming what the bot account must do when it did not approve.
 */
@Timeout(90)
class ConnectionCheckIT {
    private static final String COMPONENT = "proxy.localhost";
    private static final String SECRET = "check-" + Long.toHexString(System.nanoTime());
    /** The jar's exit must come within its --check limit plus a JVM start and stop. */
    private static final Duration SLACK = Duration.ofSeconds(15);

    private static ProsodyServer prosody;
    private static EchoBot bot;
    private static XMPPTCPConnection lazyBot;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        StandaloneJarIT.jar();
        prosody = ProsodyServer.builder().domain("localhost").component(COMPONENT, SECRET).start();
        prosody.register("bot", "bot-pw");
        prosody.register("lazybot", "lazybot-pw");
        // Approves every subscription request (EchoBot sets the roster to accept_all).
        bot = EchoBot.connect(prosody, "bot", "bot-pw", "only");
        // Online, but its client leaves subscription requests for a human who never comes.
        lazyBot = XmppClients.connectAndLogin(prosody, "lazybot", "lazybot-pw", "desk", XmppClients.DEFAULT_REPLY_TIMEOUT);
        Roster.getInstanceFor(lazyBot).setSubscriptionMode(Roster.SubscriptionMode.manual);
        XmppClients.sendPresence(lazyBot, 0);
    }

    @AfterAll
    static void stop() {
        if (bot != null) {
            bot.close();
        }
        if (lazyBot != null) {
            lazyBot.disconnect();
        }
        if (prosody != null) {
            prosody.close();
        }
    }

    @Test
    void anApprovedTargetThatAnswersIsHealthy() throws Exception {
        Result r = check("bot@localhost", "--check");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.out.contains("connection:   ok, authenticated as " + COMPONENT), r::toString);
        assertTrue(r.out.contains("subscription: approved by bot@localhost"), r::toString);
        assertTrue(r.out.contains("resources:    1 online: bot@localhost/only (priority 0)"), r::toString);
        assertTrue(r.out.matches("(?s).*ping: +bot@localhost/only answered in \\d+ ms.*"), r::toString);
        assertTrue(r.out.strip().endsWith("verdict: OK: requests to the component will reach bot@localhost"), r::toString);
        assertEquals("", r.err, "nothing on stderr: the proxy's INFO lines would bury the report");
    }

    @Test
    void aTargetThatDidNotApproveIsNamedWithWhatItMustDo() throws Exception {
        Result r = check("lazybot@localhost", "--check=PT4S");
        assertEquals(1, r.status, r::toString);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.contains("  subscription: NOT approved within 4 s: the account lazybot@localhost must accept the"
                + " presence subscription request from " + COMPONENT + " (once, in any client; the bot's client may do it"
                + " for it)"), r::toString);
        assertEquals("verdict: NOT OK (see the line above)", lines.get(lines.size() - 1), r::toString);
    }

    @Test
    void aRefusedSecretIsNotHealthy() throws Exception {
        Result r = check("bot@localhost", "--check", "--component-secret=wrong");
        assertEquals(1, r.status, r::toString);
        assertTrue(r.out.contains("connection:   REFUSED by " + prosody.host() + ":" + prosody.componentPort()), r::toString);
    }

    /** Issue 19 item 6: nothing listening is reported at once, in the report alone, with what to do. */
    @Test
    void nothingListeningFailsFastWithoutLogLines() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long start = System.nanoTime();
        Result r = check("bot@localhost", "--check", "--server-port=" + closedPort);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(1, r.status, r::toString);
        assertTrue(r.out.contains("connection:   FAILED: nothing listens at " + prosody.host() + ":" + closedPort
                + " (Connection refused): start the XMPP server, or set server-host and server-port"), r::toString);
        assertEquals("verdict: NOT OK (see the line above)", r.out.strip().lines().reduce((a, b) -> b).orElse(""), r::toString);
        assertEquals("", r.err, "no log lines beside the report");
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "fails fast, not after the 15 s limit: " + took);
    }

    /** Issue 19 item 6: beside a running proxy (conflict) the check says to read the running proxy's counters. */
    @Test
    void aRunningProxyIsNamedWithWhereToReadItsCounters() throws Exception {
        try (StandaloneProxy running = StandaloneProxy.start(StandaloneSettings.builder()
                .server(prosody.host(), prosody.componentPort()).component(COMPONENT, SECRET).target("bot@localhost")
                .statsInterval(Duration.ZERO).build())) {
            assertTrue(running.awaitConnected(Duration.ofSeconds(10)));
            Result r = check("bot@localhost", "--check");
            assertEquals(1, r.status, r::toString);
            assertTrue(r.out.contains("connection:   REFUSED by " + prosody.host() + ":" + prosody.componentPort()
                    + ": stream error conflict"), r::toString);
            assertTrue(r.out.contains("most likely the proxy itself, running") && r.out.contains("read its counters instead"),
                    r::toString);
            assertEquals("", r.err, "no log lines beside the report");
            assertTrue(running.isConnected(), "the running proxy is left alone");
        }
    }

    private record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code java -jar <jar> --config <file> args} with target {@code target}, waits for its exit. */
    private Result check(String target, String... args) throws Exception {
        Path conf = dir.resolve("proxy.conf");
        Files.write(conf, List.of(
                "server-host = " + prosody.host(),
                "server-port = " + prosody.componentPort(),
                "component-domain = " + COMPONENT,
                "component-secret = " + SECRET,
                "target-address = " + target), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", StandaloneJarIT.jar().toString(), "--config", conf.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        if (!p.waitFor(ConnectionCheck.DEFAULT_LIMIT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("--check did not end within its limit: " + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
