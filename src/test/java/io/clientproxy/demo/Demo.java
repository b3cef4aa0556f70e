package io.clientproxy.demo;

import io.clientproxy.e2e.ProsodyServer;
import io.clientproxy.e2e.XmppClients;
import io.clientproxy.standalone.EchoBot;
import io.clientproxy.standalone.EchoIq;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;

/**
 * What scripts/demo runs: a throwaway Prosody on loopback, the proxy in standalone mode (the real
 * jar, as its own process, balancer round-robin), a service bot with two resources and a user; a
 * few requests with the translated addresses shown, then one bot resource goes offline while it
 * holds a request, which moves to the other resource, as do later requests. Everything it starts,
 * it stops.
 */
public final class Demo {
    private static final String SECRET = "demo-secret";

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Demo <path to tigase-client-proxy-<version>.jar>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        XmppClients.init();
        List<AutoCloseable> started = new ArrayList<>();
        try {
            step("Starting a throwaway Prosody on 127.0.0.1 with component proxy.localhost");
            ProsodyServer prosody = ProsodyServer.builder().domain("localhost").component("proxy.localhost", SECRET).start();
            started.add(0, prosody);
            prosody.register("bot", "bot-pass");
            prosody.register("alice", "alice-pass");
            say("Prosody pid " + prosody.pid() + ", c2s port " + prosody.c2sPort() + ", component port " + prosody.componentPort());

            step("Starting the proxy: java -jar " + jar.getFileName() + " (standalone, XEP-0114), balancer = round-robin");
            Process proxy = startProxy(jar, prosody);
            started.add(0, () -> stopProxy(proxy));

            step("The service bot bot@localhost comes online with two resources, 'laptop' and 'phone'");
            EchoBot laptop = EchoBot.connect(prosody, "bot", "bot-pass", "laptop");
            started.add(0, laptop);
            EchoBot phone = EchoBot.connect(prosody, "bot", "bot-pass", "phone");
            started.add(0, phone);

            XMPPTCPConnection alice = XmppClients.connect(prosody, "alice", "alice-pass", "phone", 0);
            started.add(0, alice::disconnect);
            say("alice@localhost/phone is online");
            awaitService(alice);

            step("alice asks the service at proxy.localhost; round-robin gives the resources turns;"
                    + " the bot sees only the translated address");
            for (int i = 1; i <= 4; i++) {
                ask(alice, "hello " + i, laptop, phone);
            }

            step("A request in flight when its resource goes away: 'phone' takes one and does not answer yet");
            StanzaCollector inFlight = sendUntilHeldBy(alice, phone, laptop);
            say("   bot@localhost/phone goes offline with it");
            phone.close();
            started.remove(phone);
            IQ moved = inFlight.nextResultOrThrow(10_000);
            say("alice <- " + pad(moved.getFrom().toString(), 27) + ": " + moved.getType() + " '" + ((EchoIq) moved).text() + "'");
            say("   the proxy moved it to bot@localhost/laptop (a get has no side effects; a set would have been"
                    + " answered recipient-unavailable)");

            step("Later requests go to the remaining resource, 'laptop'");
            for (int i = 5; i <= 6; i++) {
                ask(alice, "hello " + i, laptop, phone);
            }
            step("Done: every request was answered from proxy.localhost, the address alice used.");
        } finally {
            step("Stopping everything this demo started");
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception e) {
                    say("(while stopping: " + e + ")");
                }
            }
        }
        System.exit(0);
    }

    /** Waits until the proxy has found the bot's resources (its subscription and probe take a moment). */
    private static void awaitService(XMPPTCPConnection alice) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                EchoIq probe = new EchoIq("are you there?");
                probe.setTo(JidCreate.from("proxy.localhost"));
                alice.sendIqRequestAndWaitForResponse(probe);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the proxy did not find the bot's resources in 20 s", e);
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Sends gets that only {@code holder} holds (others answer them at once) until one is held, so
     * that it stays in flight there; returns the collector for its answer.
     */
    private static StanzaCollector sendUntilHeldBy(XMPPTCPConnection alice, EchoBot holder, EchoBot other) throws Exception {
        for (int attempt = 0; attempt < 4; attempt++) {
            EchoIq request = new EchoIq(EchoBot.HOLD + "@" + holder.resource + ": a slow question");
            request.setTo(JidCreate.from("proxy.localhost"));
            say("alice -> proxy.localhost            : get '" + request.text() + "' (id " + request.getStanzaId() + ")");
            int before = other.seenFrom.size();
            StanzaCollector answer = alice.createStanzaCollectorAndSend(request);
            EchoIq held = holder.awaitHeld(Duration.ofSeconds(2));
            if (held != null) {
                say("   bot@localhost/" + pad(holder.resource) + " got it from " + held.getFrom() + " and is working on it");
                return answer;
            }
            IQ quick = answer.nextResultOrThrow(5_000);
            say("   it went to bot@localhost/" + other.resource + " (" + (other.seenFrom.size() > before ? "answered at once" : "?")
                    + "): alice <- " + quick.getType() + "; again");
        }
        throw new IllegalStateException("no request reached " + holder.resource);
    }

    private static void ask(XMPPTCPConnection alice, String text, EchoBot... bots) throws Exception {
        int[] before = new int[bots.length];
        for (int i = 0; i < bots.length; i++) {
            before[i] = bots[i].seenFrom.size();
        }
        EchoIq request = new EchoIq(text);
        request.setTo(JidCreate.from("proxy.localhost"));
        say("alice -> proxy.localhost            : get '" + text + "' (id " + request.getStanzaId() + ")");
        IQ answer = alice.sendIqRequestAndWaitForResponse(request);
        for (int i = 0; i < bots.length; i++) {
            if (bots[i].seenFrom.size() > before[i]) {
                say("   bot@localhost/" + pad(bots[i].resource) + " got it from " + bots[i].seenFrom.get(bots[i].seenFrom.size() - 1));
            }
        }
        say("alice <- " + pad(answer.getFrom().toString(), 27) + ": " + answer.getType() + " '" + ((EchoIq) answer).text() + "'");
    }

    private static Process startProxy(Path jar, ProsodyServer prosody) throws IOException, InterruptedException {
        Path conf = Files.createTempFile("demo-proxy", ".conf");
        Files.writeString(conf, String.join("\n",
                "server-host = 127.0.0.1",
                "server-port = " + prosody.componentPort(),
                "component-domain = proxy.localhost",
                "component-secret = " + SECRET,
                "target-address = bot@localhost",
                "request-timeout = PT5S",
                "balancer = round-robin",
                "stats-interval = PT0S",
                ""));
        conf.toFile().deleteOnExit();
        Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--config", conf.toString())
                .redirectErrorStream(true).start();
        CountDownLatch connected = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    say("   [proxy] " + line);
                    if (line.contains(" connected to ")) {
                        connected.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        pump.setDaemon(true);
        pump.start();
        // Its start-up lines belong to this section, not to the next one.
        if (!connected.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the proxy did not connect to Prosody within 20 s");
        }
        return p;
    }

    private static void stopProxy(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        say("proxy stopped (exit " + p.exitValue() + ")");
    }

    private static String pad(String s) {
        return pad(s, 6);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static void step(String text) {
        System.out.println();
        System.out.println("== " + text);
    }

    private static synchronized void say(String text) {
        System.out.println(text);
    }

    private Demo() {
    }
}
