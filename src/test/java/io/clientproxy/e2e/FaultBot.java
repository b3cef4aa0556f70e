package io.clientproxy.e2e;

import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.IQ;

/**
 * An echo bot resource in a process of its own, so that a test can do to it what happens to real
 * bots: stop it with SIGSTOP (hung: its TCP connection stays open and nobody reads it) or kill
 * it with SIGKILL (crashed: with XEP-0198 enabled, as here, the server keeps its session for
 * resumption). It logs in with stream management, answers echo requests as {@link EchoBot} does
 * (pings are answered by Smack's PingManager) and writes one line per request it receives to
 * stdout, {@code RECV <type> <text>}, so that the test can count what it executed; {@code READY}
 * once its available presence is out.
 *
 * <p>Arguments: {@code host port domain user password resource [tls]} ({@code tls}: STARTTLS, as
 * Tigase requires).
 */
public final class FaultBot implements AutoCloseable {
    private final Process process;
    /** The texts of the requests it received, as {@code <type> <text>}. */
    public final List<String> received = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<String> output = new CopyOnWriteArrayList<>();

    private FaultBot(Process process) {
        this.process = process;
    }

    public static void main(String[] args) throws Exception {
        XmppClients.init();
        EchoIq.register();
        boolean tls = args.length > 6 && args[6].equals("tls");
        EchoBot bot = EchoBot.on(XmppClients.connectAndLogin(args[0], Integer.parseInt(args[1]), args[2], args[3],
                args[4], args[5], Duration.ofSeconds(10), tls), args[5], 0);
        System.out.println("READY");
        System.out.flush();
        int seen = 0;
        while (true) {
            // Polled, not hooked into the bot: the bot stays what the other tests run.
            List<EchoIq> got = bot.received;
            while (seen < got.size()) {
                EchoIq iq = got.get(seen++);
                System.out.println("RECV " + iq.getType() + " " + iq.text());
            }
            System.out.flush();
            Thread.sleep(2);
        }
    }

    /** Starts a bot process for {@code bot@domain/resource} and waits until it is available. */
    public static FaultBot start(XmppServer server, String user, String password, String resource) throws Exception {
        return start(server, user, password, resource, false);
    }

    /** As above; with {@code startTls} over STARTTLS (Tigase). */
    public static FaultBot start(XmppServer server, String user, String password, String resource, boolean startTls)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                FaultBot.class.getName(), server.host(), String.valueOf(server.c2sPort()), server.domain(), user,
                password, resource, startTls ? "tls" : "plain").redirectErrorStream(true).start();
        FaultBot bot = new FaultBot(p);
        Thread reader = new Thread(bot::read, "fault-bot-" + resource);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!bot.output.contains("READY")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("fault bot " + resource + " did not come up: " + bot.output);
            }
            Thread.sleep(20);
        }
        return bot;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("RECV ")) {
                    received.add(line.substring(5));
                } else if (output.size() < 200) {
                    output.add(line);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** How many times it received a request of this type and text. */
    public long count(IQ.Type type, String text) {
        String key = type + " " + text;
        return received.stream().filter(key::equals).count();
    }

    /** SIGSTOP: the process stops; its TCP connection stays open and is no longer read. */
    public void hang() throws Exception {
        signal("STOP");
    }

    /** SIGKILL: the process dies; the kernel closes its connection, the server may keep its session. */
    public void crash() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Kills the process (also a stopped one). */
    @Override
    public void close() throws Exception {
        crash();
    }
}
