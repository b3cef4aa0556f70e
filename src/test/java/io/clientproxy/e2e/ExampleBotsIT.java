package io.clientproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.hellobot.HelloIq;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example bots of docs/bots.md, each as its own process (examples/java-bot with Smack,
 * examples/python-bot with Debian's python3-slixmpp), as the target account of the
 * proxy on a private Prosody. A Smack user asks through the proxy; the answers on the wire are the
 * bot's, from the address the user asked, with the user's id. The bot approved the subscription
 * from the component and saw the request from {@code proxy.localhost/<token>}; on SIGTERM it
 * leaves with unavailable presence.
 */
@Timeout(90)
class ExampleBotsIT {
    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.prosody();

    /** Debian's interpreter: the one that sees python3-slixmpp (a python3 earlier on PATH may not). */
    static final String DEBIAN_PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    static {
        ProviderManager.addIQProvider(HelloIq.ELEMENT, HelloIq.NAMESPACE, new HelloIq.Provider());
    }

    @Test
    void theJavaBotAnswersThroughTheProxy() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        exercise("javabot", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "example.hellobot.HelloBot"));
    }

    @Test
    void thePythonBotAnswersThroughTheProxy() throws Exception {
        assertTrue(Files.isExecutable(Path.of(DEBIAN_PYTHON)), "needs Debian's python3 with python3-slixmpp (.ci/install-servers)");
        exercise("pybot", List.of(DEBIAN_PYTHON, "examples/python-bot/hello_bot.py"));
    }

    /** Each bot has its own account, so that each meets the proxy's subscription request anew. */
    private void exercise(String account, List<String> bot) throws Exception {
        FX.ensureAccount(account);
        String target = account + "@" + FX.domain();
        FX.startProxy(s -> s.target(target));
        List<String> cmd = new ArrayList<>(bot);
        cmd.addAll(List.of(target, ProxyFixture.password(account), ProxyFixture.COMPONENT,
                "--host", FX.server().host(), "--port", String.valueOf(FX.server().c2sPort()),
                "--resource", "example", "--no-tls"));
        Path out = dir.resolve("bot.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            ProxyFixture.await(() -> "the bot is online at the proxy: " + read(out), () -> {
                assertTrue(p.isAlive(), () -> "the bot exited: " + read(out));
                return FX.proxy().core().resources().size() == 1;
            });
            assertEquals(target + "/example", FX.proxy().core().resources().snapshot()[0].jid().toString());
            XMPPTCPConnection alice = FX.user("alice");

            HelloIq hello = new HelloIq("Ada");
            hello.setTo(ProxyFixture.jid(ProxyFixture.COMPONENT));
            IQ answer = ProxyFixture.ask(alice, hello);
            assertEquals(IQ.Type.result, answer.getType(), () -> answer.toXML().toString());
            assertEquals(hello.getStanzaId(), answer.getStanzaId());
            assertEquals(ProxyFixture.COMPONENT, answer.getFrom().toString());
            assertEquals("Hello, Ada!", ((HelloIq) answer).text());

            HelloIq nobody = new HelloIq("");
            nobody.setTo(ProxyFixture.jid(ProxyFixture.COMPONENT));
            StanzaError error = ProxyFixture.assertError(ProxyFixture.ask(alice, nobody), nobody, alice,
                    StanzaError.Condition.bad_request, StanzaError.Type.MODIFY);
            assertTrue(error.getDescriptiveText().startsWith("say who to greet: "), error::toString);

            String log = read(out);
            assertTrue(log.contains("subscription request from " + ProxyFixture.COMPONENT + ": approved"), log);
            assertTrue(log.matches("(?s).*'Ada' from " + ProxyFixture.COMPONENT.replace(".", "\\.")
                    + "/[A-Za-z0-9_-]{27}\\n.*"), "the bot saw an opaque token, not alice: " + log);
            assertTrue(!log.contains("alice"), log);
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the bot stops on SIGTERM");
        FX.awaitOnlineResources(0); // and the proxy saw it go
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
