package io.clientproxy.bench;

import io.clientproxy.e2e.ProsodyServer;
import io.clientproxy.e2e.XmppClients;
import io.clientproxy.standalone.EchoIq;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * End-to-end benchmark: a private Prosody on loopback, the standalone proxy as its own process
 * (the jar, one process per jar given), real Smack clients in this JVM: N sender connections each
 * keeping W IQ gets in flight, and the target bot (B resources) answering at once.
 *
 * <p>One run alternates phases that go through the proxy ({@code to=proxy.localhost}) with phases
 * that send the same gets straight to the bot's full JIDs (the practical upper limit: two hops
 * through Prosody instead of four). Each phase: the window is filled, a warm-up, then a fixed
 * measured time; after it the senders stop refilling and their requests drain. Per phase it
 * prints round trips per second, p50 and p99 latency, and the CPU time per round trip of
 * Prosody, of the proxy process and of this JVM (the load generator: senders and bots), all from
 * utime+stime of /proc/PID/stat; then medians and spreads over the rounds.
 *
 * <p>Run it with {@code scripts/bench}; {@code --help} lists the parameters.
 */
public final class EndToEndBench {
    private static final String SECRET = "bench-secret";
    private static final String DOMAIN = "localhost";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** The target for the ratio proxy CPU / server CPU per round trip. */
    private static final double RATIO_TARGET = 0.5;

    private final Options o;
    private final PrintStream out = System.out;
    private final List<Result> results = new ArrayList<>();
    private ProsodyServer prosody;
    private final List<ProxyProcess> proxies = new ArrayList<>();
    private final List<E2eLoad.Bot> bots = new ArrayList<>();
    private final List<E2eLoad.Sender> senders = new ArrayList<>();
    private int phaseNumber;

    private EndToEndBench(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EndToEndBench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.println(Options.USAGE);
            return;
        }
        int status = 0;
        EndToEndBench bench = new EndToEndBench(o);
        try {
            bench.run();
        } catch (Exception e) {
            System.err.println("EndToEndBench failed: " + e);
            e.printStackTrace();
            status = 1;
        } finally {
            bench.stopAll();
        }
        System.exit(status);
    }

    // ------------------------------------------------------------------------------ the run

    private void run() throws Exception {
        printMachine();
        XmppClients.init();
        EchoIq.register();

        ProsodyServer.Builder b = ProsodyServer.builder().domain(DOMAIN).logLevel("warn");
        for (int i = 0; i < o.jars.size(); i++) {
            b.component(domainOf(i), SECRET);
        }
        prosody = b.start();
        prosody.register("bot", "bot-pass");
        prosody.register("load", "load-pass");
        out.printf("prosody %s pid %d (c2s %d, component port %d)%n", prosodyVersion(), prosody.pid(),
                prosody.c2sPort(), prosody.componentPort());

        for (int i = 1; i <= o.bots; i++) {
            bots.add(E2eLoad.Bot.connect(prosody, "bot", "bot-pass", "b" + i));
        }
        for (int i = 0; i < o.jars.size(); i++) {
            Map.Entry<String, Path> jar = o.jars.get(i);
            ProxyProcess p = ProxyProcess.start(jar.getKey(), jar.getValue(), domainOf(i), prosody.componentPort(),
                    o.proxyJvmOpts, o.outDir);
            proxies.add(p);
            out.printf("proxy '%s': %s, pid %d, component %s%n", p.label, p.jar == null ? StatelessForwarder.class.getName()
                    : p.jar, p.process.pid(), p.domain);
        }
        int totalSenders = o.scaleCheck ? 2 * o.senders : o.senders;
        for (int i = 0; i < totalSenders; i++) {
            XMPPTCPConnection c = XmppClients.connectAndLogin(prosody, "load", "load-pass", "s" + i,
                    Duration.ofSeconds(30));
            senders.add(new E2eLoad.Sender(c, i));
        }
        for (ProxyProcess p : proxies) {
            awaitService(p);
        }
        out.printf("%d bot resource(s), %d sender connections (load@%s/s0..), all on 127.0.0.1%n%n",
                bots.size(), senders.size(), DOMAIN);

        // Warm-up, not in the summary: JIT of the proxies (C2 is still compiling after one phase) and of Smack.
        int warm = Math.max(5, o.phaseSeconds);
        for (ProxyProcess p : proxies) {
            phase("warm-up", 0, p, o.senders, warm + warm / 2);
        }
        phase("warm-up", 0, null, o.senders, warm / 2);

        for (ProxyProcess p : proxies) {
            jfr(p, "JFR.start", "name=bench", "settings=profile");
        }
        printHeader();
        for (int round = 1; round <= o.rounds; round++) {
            // Rotate the order each round so that no variant always runs first (or right after direct).
            List<ProxyProcess> order = new ArrayList<>(proxies);
            order.add(null);
            java.util.Collections.rotate(order, -(round - 1));
            for (ProxyProcess p : order) {
                phase("round", round, p, o.senders, o.phaseSeconds);
            }
        }
        if (o.scaleCheck) {
            out.println("-- scaling check: twice the senders, same window each");
            phase("scale", 0, proxies.get(0), 2 * o.senders, o.phaseSeconds);
            phase("scale", 0, null, 2 * o.senders, o.phaseSeconds);
        }
        for (ProxyProcess p : proxies) {
            printThreads(p);
        }
        for (ProxyProcess p : proxies) {
            if (o.jfr) {
                Path file = o.outDir.resolve("proxy-" + p.label + ".jfr");
                jfr(p, "JFR.stop", "name=bench", "filename=" + file);
                out.println("JFR recording of proxy '" + p.label + "': " + file);
            }
        }
        out.println();
        summary();
        writeTsv();
    }

    private static String domainOf(int i) {
        return i == 0 ? "proxy." + DOMAIN : "proxy" + (i + 1) + "." + DOMAIN;
    }

    /** Waits until the proxy answers through the bot (it has subscribed and seen the bot's presence). */
    private void awaitService(ProxyProcess p) throws Exception {
        XMPPTCPConnection c = senders.get(0).connection;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            p.checkAlive();
            EchoIq probe = new EchoIq("ready?");
            probe.setTo(JidCreate.domainBareFrom(p.domain));
            try {
                IQ answer = c.sendIqRequestAndWaitForResponse(probe);
                if (answer.getType() == IQ.Type.result) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("proxy '" + p.label + "' did not answer through the bot within "
                + READY_TIMEOUT.toSeconds() + " s; its log:\n" + p.logTail(30), last);
    }

    /** One phase; {@code proxy} null means straight to the bot. */
    private void phase(String kind, int round, ProxyProcess proxy, int senderCount, int seconds) throws Exception {
        Jid[] targets;
        if (proxy != null) {
            targets = new Jid[] {JidCreate.domainBareFrom(proxy.domain)};
        } else {
            targets = new Jid[bots.size()];
            for (int i = 0; i < bots.size(); i++) {
                targets[i] = JidCreate.entityFullFrom("bot@" + DOMAIN + "/" + bots.get(i).resource);
            }
        }
        String label = proxy == null ? "direct" : "proxy:" + proxy.label;
        E2eLoad.Phase p = new E2eLoad.Phase("p" + (++phaseNumber), targets, senderCount);
        for (int i = 0; i < senderCount; i++) {
            senders.get(i).start(p, o.window);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(o.warmupSeconds));
        Syscalls sysProsody = o.syscalls ? Syscalls.start(prosody.pid(), seconds) : null;
        Syscalls sysProxy = o.syscalls && proxy != null ? Syscalls.start(proxy.process.pid(), seconds) : null;
        Map<String, Long> threadsBefore = proxy == null ? null : E2eProc.threadTicks(proxy.process.pid());
        Cpu before = cpu();
        p.measuring = true;
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        p.measuring = false;
        Cpu after = cpu();
        Map<String, Long> threadsAfter = proxy == null ? null : E2eProc.threadTicks(proxy.process.pid());
        p.running = false;
        long lost = drain(senderCount);
        for (ProxyProcess pp : proxies) {
            pp.checkAlive();
        }
        if (!prosody.isAlive()) {
            throw new IllegalStateException("Prosody died; its log:\n" + prosody.logTail(30));
        }

        Result r = new Result(kind, round, label, senderCount);
        double secs = (after.nanos - before.nanos) / 1e9;
        long n = p.completed.sum();
        r.rate = n / secs;
        long[] lat = p.sortedLatencies();
        r.p50 = percentile(lat, 0.50) / 1e6;
        r.p99 = percentile(lat, 0.99) / 1e6;
        long server = after.prosody - before.prosody;
        int own = proxy == null ? -1 : proxies.indexOf(proxy);
        long proxyTicks = 0;
        long proxySys = 0;
        long allProxies = 0;
        for (int i = 0; i < proxies.size(); i++) {
            long d = after.proxies[i] - before.proxies[i];
            allProxies += d;
            if (i == own || own < 0) {
                proxyTicks += d;
                proxySys += after.proxiesSys[i] - before.proxiesSys[i];
            }
        }
        r.sysServer = server == 0 ? Double.NaN : 100.0 * (after.prosodySys - before.prosodySys) / server;
        r.sysProxy = proxyTicks == 0 ? Double.NaN : 100.0 * proxySys / proxyTicks;
        long gen = after.self - before.self;
        long machine = after.machine - before.machine;
        r.cpuServer = n == 0 ? Double.NaN : E2eProc.ticksToMicros(server) / n;
        r.cpuProxy = n == 0 ? Double.NaN : E2eProc.ticksToMicros(proxyTicks) / n;
        r.cpuGen = n == 0 ? Double.NaN : E2eProc.ticksToMicros(gen) / n;
        r.shareServer = share(server, secs);
        r.shareProxy = share(proxyTicks, secs);
        r.shareGen = share(gen, secs);
        r.shareOther = share(machine - server - allProxies - gen, secs);
        r.shareMachine = share(machine, secs);
        r.errors = p.errors.sum() + p.sendFailures.sum();
        r.lost = lost;
        results.add(r);
        printRow(r);
        if (threadsBefore != null && o.threads) {
            out.println("         proxy threads: " + threadShares(threadsBefore, threadsAfter, n));
        }
        if (sysProsody != null) {
            Map<String, Long> sp = sysProsody.counts();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "         syscalls per round trip: prosody %.2f",
                    perRt(sp, "raw_syscalls:sys_enter", n)));
            if (sysProxy != null) {
                Map<String, Long> sx = sysProxy.counts();
                r.syscallsProxy = perRt(sx, "raw_syscalls:sys_enter", n);
                sb.append(String.format(Locale.ROOT, ", proxy %.2f (read %.2f, write %.2f, poll %.2f, futex %.2f)",
                        r.syscallsProxy, perRt(sx, "syscalls:sys_enter_read", n), perRt(sx, "syscalls:sys_enter_write", n),
                        perRt(sx, "syscalls:sys_enter_poll", n), perRt(sx, "syscalls:sys_enter_futex", n)));
            }
            r.syscallsServer = perRt(sp, "raw_syscalls:sys_enter", n);
            out.println(sb);
        }
    }

    /** Waits for the in-flight requests of the first {@code count} senders; returns how many never came back. */
    private long drain(int count) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (true) {
            long left = 0;
            for (int i = 0; i < count; i++) {
                left += senders.get(i).inflight.get();
            }
            if (left == 0) {
                return 0;
            }
            if (System.nanoTime() - deadline > 0) {
                for (int i = 0; i < count; i++) {
                    senders.get(i).inflight.set(0);
                }
                return left;
            }
            Thread.sleep(10);
        }
    }

    private static double perRt(Map<String, Long> counts, String event, long n) {
        Long c = counts.get(event);
        return c == null || n == 0 ? Double.NaN : c / (double) n;
    }

    /** {@code perf stat} counting the system calls of one process for the measured seconds of a phase. */
    private static final class Syscalls {
        static final String EVENTS = "raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_write,"
                + "syscalls:sys_enter_poll,syscalls:sys_enter_futex";
        private final Process perf;

        private Syscalls(Process perf) {
            this.perf = perf;
        }

        static Syscalls start(long pid, int seconds) throws IOException {
            return new Syscalls(new ProcessBuilder("perf", "stat", "-x,", "-e", EVENTS, "-p", Long.toString(pid),
                    "sleep", Integer.toString(seconds)).redirectErrorStream(true).start());
        }

        Map<String, Long> counts() throws InterruptedException, IOException {
            String text = new String(perf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!perf.waitFor(30, TimeUnit.SECONDS)) {
                perf.destroyForcibly();
            }
            Map<String, Long> m = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.split(",");
                if (f.length > 2) {
                    try {
                        m.put(f[2], Long.parseLong(f[0]));
                    } catch (NumberFormatException e) {
                        // "<not counted>" or a message
                    }
                }
            }
            return m;
        }
    }

    private static double share(long ticks, double secs) {
        return 100.0 * ticks / E2eProc.CLK_TCK / secs;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private record Cpu(long nanos, long prosody, long prosodySys, long[] proxies, long[] proxiesSys, long self,
            long machine) {
    }

    private Cpu cpu() {
        long[] p = new long[proxies.size()];
        long[] ps = new long[proxies.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = E2eProc.cpuTicks(proxies.get(i).process.pid());
            ps[i] = E2eProc.sysTicks(proxies.get(i).process.pid());
        }
        return new Cpu(System.nanoTime(), E2eProc.cpuTicks(prosody.pid()), E2eProc.sysTicks(prosody.pid()), p, ps,
                E2eProc.selfCpuTicks(), E2eProc.machineBusyTicks());
    }

    /** The proxy's CPU time in a phase by thread, in µs per round trip. */
    private static String threadShares(Map<String, Long> before, Map<String, Long> after, long n) {
        StringBuilder sb = new StringBuilder();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sb.append(String.format(Locale.ROOT, "%s %.1f, ", e.getKey(),
                        n == 0 ? Double.NaN : E2eProc.ticksToMicros(e.getValue()) / n)));
        return sb.length() == 0 ? "(no CPU time)" : sb.substring(0, sb.length() - 2) + " µs/rt";
    }

    /** Where the proxy process's CPU time went, by thread, over the whole run (warm-up and direct phases included). */
    private void printThreads(ProxyProcess p) {
        Map<String, Long> threads = E2eProc.threadTicks(p.process.pid());
        long total = threads.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder("proxy '" + p.label + "' CPU by thread over the whole run ("
                + String.format(Locale.ROOT, "%.1f", total / (double) E2eProc.CLK_TCK) + " s):");
        threads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.0f%%,", e.getKey(), 100.0 * e.getValue() / total)));
        sb.setLength(sb.length() - 1);
        out.println(sb);
    }

    private void jfr(ProxyProcess p, String... command) throws IOException, InterruptedException {
        if (!o.jfr) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        if (command[0].equals("JFR.start")) {
            // The JDK's 'profile' settings with CPU samples every 2 ms instead of 10 ms: the proxy is
            // one busy thread at a fraction of a core, and short phases give few samples otherwise.
            Path jfc = o.outDir.resolve("bench-profile.jfc");
            String profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
            Files.writeString(jfc, profile.replace("control=\"method-sampling-java-interval\">10 ms<",
                    "control=\"method-sampling-java-interval\">2 ms<"));
            command = command.clone();
            for (int i = 0; i < command.length; i++) {
                if (command[i].equals("settings=profile")) {
                    command[i] = "settings=" + jfc;
                }
            }
        }
        cmd.add(Long.toString(p.process.pid()));
        cmd.addAll(List.of(command));
        Process j = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!j.waitFor(60, TimeUnit.SECONDS)) {
            j.destroyForcibly();
            throw new IllegalStateException("jcmd timed out: " + cmd);
        }
        if (j.exitValue() != 0) {
            throw new IllegalStateException("jcmd failed: " + cmd + ": " + text);
        }
    }

    // ------------------------------------------------------------------------------ output

    private void printMachine() throws IOException {
        out.println("== end-to-end benchmark " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel()
                + "; load average " + loadAverage());
        out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (this JVM and the proxies)");
        out.printf("parameters: senders N=%d, window W=%d in flight each (%d total), bot resources %d, "
                        + "warm-up %d s + measured %d s per phase, rounds %d, scaling check %s, JFR %s%n",
                o.senders, o.window, o.senders * o.window, o.bots, o.warmupSeconds, o.phaseSeconds, o.rounds,
                o.scaleCheck ? "on (2N senders)" : "off", o.jfr ? "on" : "off");
        out.println("clock ticks: " + E2eProc.CLK_TCK + "/s (CPU time resolution "
                + (1000 / E2eProc.CLK_TCK) + " ms per process per phase)");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux enough: say so below
        }
        return "unknown CPU";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String prosodyVersion() {
        try {
            return Files.readString(Path.of("/usr/lib/prosody/prosody.version")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static final String ROW = "%-8s %5s %-16s %3s %9s %8s %8s | %8s %8s %8s | %6s %6s %6s %6s %6s | %7s %6s | %5s %4s%n";

    private void printHeader() {
        out.printf(ROW, "", "", "", "", "", "latency", "(ms)", "CPU µs", "per rt", "", "CPU %", "(100 =", "one", "core)", "",
                "kernel", "share", "", "");
        out.printf(ROW, "kind", "round", "phase", "N", "rt/s", "p50", "p99", "prosody", "proxy", "loadgen",
                "prosody", "proxy", "loadgen", "other", "total", "prosody", "proxy", "err", "lost");
    }

    private void printRow(Result r) {
        out.printf(ROW, r.kind, r.round == 0 ? "-" : Integer.toString(r.round), r.label, r.senders,
                f0(r.rate), f2(r.p50), f2(r.p99), f1(r.cpuServer), f1(r.cpuProxy), f1(r.cpuGen),
                f0(r.shareServer), f0(r.shareProxy), f0(r.shareGen), f0(r.shareOther), f0(r.shareMachine),
                f0(r.sysServer) + "%", r.label.equals("direct") ? "-" : f0(r.sysProxy) + "%", r.errors, r.lost);
        out.flush();
    }

    private void summary() {
        List<Result> rounds = results.stream().filter(r -> r.kind.equals("round")).toList();
        Map<String, List<Result>> byLabel = new LinkedHashMap<>();
        for (Result r : rounds) {
            byLabel.computeIfAbsent(r.label, k -> new ArrayList<>()).add(r);
        }
        out.println("== summary over " + o.rounds + " rounds: median [min - max]");
        String fmt = "%-16s %-26s %-22s %-22s | %-22s %-22s %-22s%n";
        out.printf(fmt, "phase", "round trips/s", "p50 ms", "p99 ms", "prosody µs/rt", "proxy µs/rt", "loadgen µs/rt");
        for (Map.Entry<String, List<Result>> e : byLabel.entrySet()) {
            List<Result> l = e.getValue();
            out.printf(fmt, e.getKey(), spread(l, r -> r.rate, 0), spread(l, r -> r.p50, 2), spread(l, r -> r.p99, 2),
                    spread(l, r -> r.cpuServer, 1), spread(l, r -> r.cpuProxy, 1), spread(l, r -> r.cpuGen, 1));
        }
        out.printf("%n%-16s %-18s %-18s %-18s %-18s %-18s | %-18s %-18s%n", "CPU % of a core", "prosody", "proxy",
                "loadgen", "other processes", "machine (max " + Runtime.getRuntime().availableProcessors() * 100 + ")",
                "prosody kernel %", "proxy kernel %");
        for (Map.Entry<String, List<Result>> e : byLabel.entrySet()) {
            List<Result> l = e.getValue();
            boolean viaProxy = !e.getKey().equals("direct");
            out.printf("%-16s %-18s %-18s %-18s %-18s %-18s | %-18s %-18s%n", e.getKey(), spread(l, r -> r.shareServer, 0),
                    spread(l, r -> r.shareProxy, 0), spread(l, r -> r.shareGen, 0), spread(l, r -> r.shareOther, 0),
                    spread(l, r -> r.shareMachine, 0), spread(l, r -> r.sysServer, 0),
                    viaProxy ? spread(l, r -> r.sysProxy, 0) : "-");
        }
        if (o.syscalls) {
            out.printf("%n%-16s %-22s %-22s%n", "syscalls per rt", "prosody", "proxy");
            for (Map.Entry<String, List<Result>> e : byLabel.entrySet()) {
                List<Result> l = e.getValue();
                out.printf("%-16s %-22s %-22s%n", e.getKey(), spread(l, r -> r.syscallsServer, 2),
                        e.getKey().equals("direct") ? "-" : spread(l, r -> r.syscallsProxy, 2));
            }
        }
        out.println();
        List<Result> direct = byLabel.getOrDefault("direct", List.of());
        for (ProxyProcess p : proxies) {
            List<Result> l = byLabel.getOrDefault("proxy:" + p.label, List.of());
            if (l.isEmpty()) {
                continue;
            }
            double[] ratio = l.stream().mapToDouble(r -> r.cpuProxy / r.cpuServer).toArray();
            double med = median(ratio);
            out.printf("proxy '%s': proxy CPU / Prosody CPU per round trip = %.2f [%.2f - %.2f] (target <= %.1f): %s%n",
                    p.label, med, min(ratio), max(ratio), RATIO_TARGET, med <= RATIO_TARGET && max(ratio) <= RATIO_TARGET
                            ? "met in every round" : med <= RATIO_TARGET ? "met (median)" : "NOT met");
            if (!direct.isEmpty()) {
                double[] rel = new double[Math.min(l.size(), direct.size())];
                for (int i = 0; i < rel.length; i++) {
                    rel[i] = l.get(i).rate / direct.get(i).rate;
                }
                out.printf("proxy '%s': throughput through the proxy / straight to the bot = %.2f [%.2f - %.2f] per round"
                        + " (the proxy path has 4 Prosody hops per round trip, the direct one 2)%n",
                        p.label, median(rel), min(rel), max(rel));
            }
        }
        for (int j = 0; j < proxies.size(); j++) {
            List<Result> a = byLabel.get("proxy:" + proxies.get(j).label);
            for (int k = j + 1; k < proxies.size(); k++) {
                List<Result> bl = byLabel.get("proxy:" + proxies.get(k).label);
                int n = Math.min(a.size(), bl.size());
                double[] cpu = new double[n];
                double[] rate = new double[n];
                for (int i = 0; i < n; i++) {
                    cpu[i] = a.get(i).cpuProxy / bl.get(i).cpuProxy;
                    rate[i] = a.get(i).rate / bl.get(i).rate;
                }
                out.printf("'%s' vs '%s', same round: proxy CPU per round trip x%.2f [%.2f - %.2f], throughput x%.2f [%.2f - %.2f]%n",
                        proxies.get(j).label, proxies.get(k).label, median(cpu), min(cpu), max(cpu),
                        median(rate), min(rate), max(rate));
            }
        }
        List<Result> scale = results.stream().filter(r -> r.kind.equals("scale")).toList();
        for (Result s : scale) {
            List<Result> base = byLabel.getOrDefault(s.label, List.of());
            if (!base.isEmpty()) {
                double med = median(base.stream().mapToDouble(r -> r.rate).toArray());
                out.printf("scaling check %s: %d senders %.0f rt/s vs %d senders %.0f rt/s (median): x%.2f%n",
                        s.label, s.senders, s.rate, o.senders, med, s.rate / med);
            }
        }
        out.println("load average at the end: " + loadAverage());
    }

    private void writeTsv() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("kind\tround\tphase\tsenders\trt_per_s\tp50_ms\tp99_ms\tprosody_us_rt\tproxy_us_rt\tloadgen_us_rt"
                + "\tprosody_pct\tproxy_pct\tloadgen_pct\tother_pct\tmachine_pct\tprosody_sys_pct\tproxy_sys_pct\terrors\tlost\n");
        for (Result r : results) {
            sb.append(String.join("\t", r.kind, Integer.toString(r.round), r.label, Integer.toString(r.senders),
                    f0(r.rate), f2(r.p50), f2(r.p99), f1(r.cpuServer), f1(r.cpuProxy), f1(r.cpuGen),
                    f0(r.shareServer), f0(r.shareProxy), f0(r.shareGen), f0(r.shareOther), f0(r.shareMachine),
                    f0(r.sysServer), f0(r.sysProxy), Long.toString(r.errors), Long.toString(r.lost))).append('\n');
        }
        Path file = o.outDir.resolve("phases.tsv");
        Files.writeString(file, sb.toString());
        out.println("per-phase results: " + file);
    }

    private static String spread(List<Result> l, ToDoubleFunction<Result> f, int decimals) {
        double[] v = l.stream().mapToDouble(f).toArray();
        String d = "%." + decimals + "f";
        return String.format(Locale.ROOT, d + " [" + d + " - " + d + "]", median(v), min(v), max(v));
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static String f0(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }

    private static String f1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static String f2(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    // ------------------------------------------------------------------------------ stopping

    private void stopAll() {
        for (E2eLoad.Sender s : senders) {
            quietly(s.connection::disconnect);
        }
        for (E2eLoad.Bot b : bots) {
            quietly(b.connection::disconnect);
        }
        for (ProxyProcess p : proxies) {
            quietly(p::close);
        }
        if (prosody != null) {
            quietly(prosody::close);
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("(while stopping: " + e + ")");
        }
    }

    // ------------------------------------------------------------------------------ parts

    private static final class Result {
        final String kind;
        final int round;
        final String label;
        final int senders;
        double rate;
        double p50;
        double p99;
        double cpuServer;
        double cpuProxy;
        double cpuGen;
        double shareServer;
        double shareProxy;
        double shareGen;
        double shareOther;
        double shareMachine;
        /** Percentage of the process's CPU time spent in the kernel (stime). */
        double sysServer;
        double sysProxy;
        double syscallsServer = Double.NaN;
        double syscallsProxy = Double.NaN;
        long errors;
        long lost;

        Result(String kind, int round, String label, int senders) {
            this.kind = kind;
            this.round = round;
            this.label = label;
            this.senders = senders;
        }
    }

    /** The proxy jar as its own process; stopped by its PID (SIGTERM, then SIGKILL). */
    private static final class ProxyProcess implements AutoCloseable {
        final String label;
        final Path jar;
        final String domain;
        final Process process;
        final Path log;
        private final Thread hook;

        private ProxyProcess(String label, Path jar, String domain, Process process, Path log) {
            this.label = label;
            this.jar = jar;
            this.domain = domain;
            this.process = process;
            this.log = log;
            this.hook = new Thread(process::destroyForcibly, "proxy-kill-" + process.pid());
            Runtime.getRuntime().addShutdownHook(hook);
        }

        static ProxyProcess start(String label, Path jar, String domain, int port, List<String> jvmOpts, Path dir)
                throws IOException {
            Path conf = dir.resolve("proxy-" + label + ".conf");
            Files.writeString(conf, String.join("\n",
                    "server-host = 127.0.0.1",
                    "server-port = " + port,
                    "component-domain = " + domain,
                    "component-secret = " + SECRET,
                    "target-address = bot@" + DOMAIN,
                    "request-timeout = PT30S",
                    "balancer = round-robin",
                    "stats-interval = PT0S",
                    ""));
            Path log = dir.resolve("proxy-" + label + ".log");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(jvmOpts);
            if (jar == null) {
                // The yardstick: same server, same component port, same configuration, one fixed bot resource.
                Files.writeString(conf, "target-resource = b1\n", StandardOpenOption.APPEND);
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StatelessForwarder.class.getName()));
            } else {
                cmd.add("-jar");
                cmd.add(jar.toString());
            }
            cmd.addAll(List.of("--config", conf.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new ProxyProcess(label, jar, domain, p, log);
        }

        void checkAlive() {
            if (!process.isAlive()) {
                throw new IllegalStateException("proxy '" + label + "' exited with status " + process.exitValue()
                        + "; its log:\n" + logTail(30));
            }
        }

        String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(log);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(cannot read " + log + ")";
            }
        }

        @Override
        public void close() {
            try {
                process.destroy(); // SIGTERM to this PID: the proxy stops cleanly (exit 143)
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down already
                }
            }
        }
    }

    /** Parameters: arguments, else environment variables, else defaults that finish in ~2-3 minutes on 2 cores. */
    private static final class Options {
        static final String USAGE = """
                usage: EndToEndBench --jar LABEL=PATH [--jar LABEL=PATH ...] [options]
                  --jar LABEL=PATH       a proxy jar to run (own process); several: compared side by side
                  --forwarder            also run the minimal stateless XEP-0114 forwarder (StatelessForwarder,
                                         own process, label 'forwarder') as the yardstick, last in the list
                  --senders N            sender connections               (env BENCH_SENDERS, default 4)
                  --window W             gets in flight per sender        (env BENCH_WINDOW, default 16)
                  --phase S              measured seconds per phase       (env BENCH_PHASE_SECONDS, default 8)
                  --warmup S             warm-up seconds per phase        (env BENCH_WARMUP_SECONDS, default 2)
                  --rounds R             rounds of [proxy..., direct]     (env BENCH_ROUNDS, default 4)
                  --bots B               bot resources                    (env BENCH_BOTS, default 2)
                  --no-scale-check       skip the 2N-sender check          (env BENCH_SCALE_CHECK=0)
                  --jfr                  record each proxy with JFR over the rounds (the JDK's profile settings, Java samples every 2 ms)
                  --threads              per proxy phase, the proxy's CPU time by thread
                  --syscalls             count system calls per round trip of Prosody and the proxy (needs perf)
                  --proxy-jvm-opt OPT    a JVM option for the proxy processes (repeatable)
                  --out DIR              where logs, configs, JFR files and phases.tsv go (default target/bench-e2e)
                """;

        final List<Map.Entry<String, Path>> jars = new ArrayList<>();
        int senders = env("BENCH_SENDERS", 4);
        int window = env("BENCH_WINDOW", 16);
        int phaseSeconds = env("BENCH_PHASE_SECONDS", 8);
        int warmupSeconds = env("BENCH_WARMUP_SECONDS", 2);
        int rounds = env("BENCH_ROUNDS", 4);
        int bots = env("BENCH_BOTS", 2);
        boolean scaleCheck = env("BENCH_SCALE_CHECK", 1) != 0;
        boolean jfr;
        boolean syscalls;
        boolean threads;
        boolean forwarder;
        final List<String> proxyJvmOpts = new ArrayList<>();
        Path outDir = Path.of("target", "bench-e2e");

        static Options parse(String[] args) throws IOException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0 && !a.startsWith("--jar=") && !a.startsWith("--proxy-jvm-opt=")) {
                    value = a.substring(eq + 1);
                    a = a.substring(0, eq);
                } else if (a.startsWith("--jar=") || a.startsWith("--proxy-jvm-opt=")) {
                    value = a.substring(a.indexOf('=') + 1);
                    a = a.substring(0, a.indexOf('='));
                }
                switch (a) {
                    case "--help", "-h" -> {
                        return null;
                    }
                    case "--no-scale-check" -> o.scaleCheck = false;
                    case "--jfr" -> o.jfr = true;
                    case "--syscalls" -> o.syscalls = true;
                    case "--threads" -> o.threads = true;
                    case "--forwarder" -> o.forwarder = true;
                    default -> {
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new IllegalArgumentException(a + " needs a value");
                            }
                            value = args[++i];
                        }
                        switch (a) {
                            case "--jar" -> {
                                int e = value.indexOf('=');
                                String label = e > 0 ? value.substring(0, e) : "proxy" + (o.jars.size() + 1);
                                Path p = Path.of(e > 0 ? value.substring(e + 1) : value);
                                if (!Files.isRegularFile(p)) {
                                    throw new IllegalArgumentException("no such jar: " + p);
                                }
                                o.jars.add(Map.entry(label, p.toAbsolutePath()));
                            }
                            case "--senders" -> o.senders = positive(a, value);
                            case "--window" -> o.window = positive(a, value);
                            case "--phase" -> o.phaseSeconds = positive(a, value);
                            case "--warmup" -> o.warmupSeconds = positive(a, value);
                            case "--rounds" -> o.rounds = positive(a, value);
                            case "--bots" -> o.bots = positive(a, value);
                            case "--proxy-jvm-opt" -> o.proxyJvmOpts.add(value);
                            case "--out" -> o.outDir = Path.of(value);
                            default -> throw new IllegalArgumentException("unknown option " + a);
                        }
                    }
                }
            }
            if (o.jars.isEmpty()) {
                throw new IllegalArgumentException("at least one --jar is needed");
            }
            if (o.forwarder) {
                o.jars.add(new java.util.AbstractMap.SimpleImmutableEntry<>("forwarder", null)); // no jar: StatelessForwarder
            }
            if (o.window > 400) {
                throw new IllegalArgumentException("--window at most 400 (Smack's send queue holds 500)");
            }
            Files.createDirectories(o.outDir);
            o.outDir = o.outDir.toAbsolutePath();
            return o;
        }

        private static int positive(String key, String value) {
            try {
                int v = Integer.parseInt(value.trim());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(key + " must be a positive integer, not '" + value + "'");
        }

        private static int env(String name, int dflt) {
            String v = System.getenv(name);
            if (v == null || v.isBlank()) {
                return dflt;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, not '" + v + "'");
            }
        }
    }
}
