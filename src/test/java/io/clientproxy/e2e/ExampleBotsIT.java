package io.clientproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.hellobot.HelloIq;
import io.clientproxy.core.Counter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example bots of docs/bots.md, each built and started with the very commands docs/bots.md
 * gives (read from it here, so the page and the test cannot drift apart), as the target account
 * of the proxy on a private Prosody that offers STARTTLS with a self-signed certificate (as real
 * servers do; the bots' {@code --no-tls} must decline it).
 *
 * <p>A Smack user first asks what a bot does not serve, as users and the proxy's {@code --check}
 * do: a ping (answered {@code result}), a disco#info (the proxy forwards it while the bot is
 * online: a {@code result}, or {@code feature-not-implemented}), and a get and a set of an unknown
 * namespace ({@code feature-not-implemented}, type {@code cancel}). Each answer on the wire is
 * the bot's, from the address the user asked, with the user's id. Then the bot is still online
 * and answers {@code hello}. The bot approved the subscription from the component and saw the
 * request from {@code proxy.localhost/<token>}; on SIGTERM it leaves with unavailable presence.
 */
@Timeout(90)
class ExampleBotsIT {
    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.prosody().withProsody(b -> b.starttls());

    static final Path BOTS_MD = Path.of("docs/bots.md");

    @TempDir
    Path dir;

    static {
        ProviderManager.addIQProvider(HelloIq.ELEMENT, HelloIq.NAMESPACE, new HelloIq.Provider());
    }

    /** docs/bots.md's build command for the Java bot, run once (a few seconds with a warm Maven cache). */
    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void buildTheJavaBotAsDocumented() throws Exception {
        List<String> build = words(documented("`(mvn [^`]*examples/java-bot/pom\\.xml[^`]*)`"));
        Path log = Files.createTempFile("java-bot-build", ".txt");
        try {
            Process p = new ProcessBuilder(build).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            assertTrue(p.waitFor(4, TimeUnit.MINUTES), "the build finishes: " + build);
            assertEquals(0, p.exitValue(), () -> String.join(" ", build) + " failed:\n" + read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void theJavaBotAnswersThroughTheProxy() throws Exception {
        // Smack 4.4 without smack-extensions (the example's own pom) knows no disco#info.
        exercise("javabot", documented("`(java -jar examples/java-bot/[^`]*)`"), false);
    }

    @Test
    void thePythonBotAnswersThroughTheProxy() throws Exception {
        // slixmpp's xep_0199 brings xep_0030, which answers disco#info.
        exercise("pybot", documented("`(/usr/bin/python3 examples/python-bot/[^`]*)`"), true);
    }

    /**
     * Each bot has its own account, so that each meets the proxy's subscription request anew.
     *
     * @param command docs/bots.md's command line, ending {@code bot@example.com <password> proxy.example.com}
     */
    private void exercise(String account, String command, boolean answersDisco) throws Exception {
        FX.ensureAccount(account);
        String target = account + "@" + FX.domain();
        FX.startProxy(s -> s.target(target));
        List<String> cmd = words(command);
        assertEquals(List.of("bot@example.com", "<password>", "proxy.example.com"),
                cmd.subList(cmd.size() - 3, cmd.size()), "docs/bots.md: " + command);
        cmd = new ArrayList<>(cmd.subList(0, cmd.size() - 3));
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

            // What the bot does not serve, before what it does: none of it may take it offline.
            Ping ping = new Ping(ProxyFixture.jid(ProxyFixture.COMPONENT));
            IQ pong = ProxyFixture.ask(alice, ping);
            assertAnswers(pong, ping, alice);
            assertEquals(IQ.Type.result, pong.getType(), () -> "a ping is answered with a result: " + pong.toXML());

            DiscoverInfo disco = DiscoverInfo.builder("disco-1").to(ProxyFixture.COMPONENT).ofType(IQ.Type.get).build();
            IQ info = ProxyFixture.ask(alice, disco);
            assertAnswers(info, disco, alice);
            if (answersDisco) {
                assertEquals(IQ.Type.result, info.getType(), () -> info.toXML().toString());
            } else {
                assertNotImplemented(info);
            }

            for (IQ.Type type : List.of(IQ.Type.get, IQ.Type.set)) {
                IQ unknown = new UnknownIq();
                unknown.setType(type);
                unknown.setTo(ProxyFixture.jid(ProxyFixture.COMPONENT));
                IQ answer = ProxyFixture.ask(alice, unknown);
                assertAnswers(answer, unknown, alice);
                assertNotImplemented(answer);
            }
            assertEquals(4, FX.proxy().core().counters().get(Counter.REQUESTS_FORWARDED),
                    "the bot, not the proxy, answered all four");

            HelloIq hello = new HelloIq("Ada");
            hello.setTo(ProxyFixture.jid(ProxyFixture.COMPONENT));
            IQ answer = ProxyFixture.ask(alice, hello);
            assertEquals(IQ.Type.result, answer.getType(), () -> answer.toXML().toString());
            assertAnswers(answer, hello, alice);
            assertEquals("Hello, Ada!", ((HelloIq) answer).text());

            // 110,000 escaped quotes on the bot's stream in all; the requests after them are
            // answered too (docs/bots.md, "A Java bot on JDK 24 or later").
            String quotes = "'\"".repeat(50);
            List<StanzaCollector> inFlight = new ArrayList<>();
            for (int i = 0; i < 1100; i++) {
                HelloIq quoted = new HelloIq(quotes);
                quoted.setTo(ProxyFixture.jid(ProxyFixture.COMPONENT));
                inFlight.add(alice.createStanzaCollectorAndSend(quoted));
                if (inFlight.size() == 50 || i == 1099) {
                    for (StanzaCollector c : inFlight) {
                        IQ quotedAnswer = c.nextResultOrThrow(20_000);
                        assertEquals("Hello, " + quotes + "!", ((HelloIq) quotedAnswer).text());
                    }
                    inFlight.clear();
                }
            }

            HelloIq nobody = new HelloIq("");
            nobody.setTo(ProxyFixture.jid(ProxyFixture.COMPONENT));
            StanzaError error = ProxyFixture.assertError(ProxyFixture.ask(alice, nobody), nobody, alice,
                    StanzaError.Condition.bad_request, StanzaError.Type.MODIFY);
            assertTrue(error.getDescriptiveText().startsWith("say who to greet: "), error::toString);
            assertEquals(1, FX.proxy().core().resources().size(), "still online");

            String log = read(out);
            List<String> lines = log.lines().toList();
            assertTrue(lines.size() >= 2, log);
            assertTrue(lines.get(0).startsWith("hello-bot: online as " + target + "/example, serving requests from "
                    + ProxyFixture.COMPONENT), "the first line, as docs/bots.md shows it: " + log);
            assertEquals("hello-bot: subscription request from " + ProxyFixture.COMPONENT + ": approved", lines.get(1),
                    "the second line (the server delivers the request once the bot is available): " + log);
            assertTrue(log.matches("(?s).*'Ada' from " + ProxyFixture.COMPONENT.replace(".", "\\.")
                    + "/[A-Za-z0-9_-]{27}\\n.*"), "the bot saw an opaque token, not alice: " + log);
            assertFalse(log.contains("alice"), log);
            assertFalse(log.contains("CERT") || log.contains("Exception"), log);
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the bot stops on SIGTERM");
        FX.awaitOnlineResources(0); // and the proxy saw it go
    }

    /** From the address the sender used, to the sender, with the sender's id: the bot's answer, as the proxy delivers it. */
    private static void assertAnswers(IQ reply, IQ request, XMPPTCPConnection sender) {
        ProxyFixture.assertAddressed(reply, request, sender);
        assertTrue(reply.getType() == IQ.Type.result || reply.getType() == IQ.Type.error, () -> reply.toXML().toString());
    }

    /** RFC 6120 8.3.3.3: the bot does not implement this request (and did not take it for a departure). */
    private static void assertNotImplemented(IQ reply) {
        assertEquals(IQ.Type.error, reply.getType(), () -> reply.toXML().toString());
        StanzaError error = reply.getError();
        assertNotNull(error, () -> reply.toXML().toString());
        assertEquals(StanzaError.Condition.feature_not_implemented, error.getCondition(), () -> reply.toXML().toString());
        assertEquals(StanzaError.Type.CANCEL, error.getType(), () -> reply.toXML().toString());
    }

    /** {@code <query xmlns='urn:example:nobody-serves-this'/>}: a namespace no example bot knows. */
    private static final class UnknownIq extends IQ {
        UnknownIq() {
            super("query", "urn:example:nobody-serves-this");
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.setEmptyElement();
            return xml;
        }
    }

    /** The first group of the first match of {@code regex} in docs/bots.md. */
    private static String documented(String regex) throws Exception {
        String page = Files.readString(BOTS_MD, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile(regex).matcher(page);
        assertTrue(m.find(), "docs/bots.md shows " + regex);
        return m.group(1);
    }

    private static List<String> words(String command) {
        return Arrays.asList(command.trim().split("\\s+"));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
