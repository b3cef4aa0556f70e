package io.clientproxy.e2e;

import static io.clientproxy.e2e.ServerFiles.canConnect;
import static io.clientproxy.e2e.ServerFiles.deleteRecursively;
import static io.clientproxy.e2e.ServerFiles.readQuietly;
import static io.clientproxy.e2e.ServerFiles.startWithRetries;

import io.clientproxy.e2e.ServerFiles.StartFailure;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private ejabberd (Debian package {@code ejabberd}) for end-to-end tests, the same shape as
 * {@link ProsodyServer}.
 *
 * <p>Everything lives in a fresh temp directory owned by the {@code ejabberd} user: the config
 * ({@code ejabberd.yml}, {@code ejabberdctl.cfg}, {@code inetrc}), the Mnesia spool, the logs and
 * the pid file. Only 127.0.0.1 is bound: one c2s port (no TLS, {@code starttls_required: false})
 * and one XEP-0114 port ({@code ejabberd_service}), both picked free. The Erlang node has a name
 * of its own and listens for distribution on a third free port ({@code ERL_DIST_PORT}), so no
 * epmd is started and a system ejabberd (node {@code ejabberd@localhost}, if the package started
 * one) is never contacted, stopped or reconfigured.
 *
 * <p>Started with {@code ejabberdctl --config-dir D --spool D/spool --logs D/logs start} (which,
 * as root, runs the node as the {@code ejabberd} user), ready once the pid file is written and
 * both ports accept connections (about a second); stopped by its PID (SIGTERM, about 2 s; SIGKILL
 * after 10 s). Accounts are created with {@code ejabberdctl register} (about a second each,
 * since each call starts an Erlang VM; {@link #registerAll} runs several at once).
 *
 * <p>If ejabberd is not installed, or this JVM runs neither as root nor as {@code ejabberd}, this
 * throws {@link IllegalStateException}; it never skips. Install with {@code .ci/install-servers}.
 *
 * <p>System properties: {@code ejabberd.log.level} (default {@code info}; {@code debug} logs
 * every stanza), {@code ejabberd.keep=true} keeps the temp directory after {@link #close()}.
 */
public final class EjabberdServer implements XmppServer {

    private static final String USER = "ejabberd";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    /** How long the VM may take to show up in the process list after {@code ejabberdctl start} returned. */
    private static final Duration NO_PROCESS_GRACE = Duration.ofSeconds(5);

    private final String domain;
    private final Map<String, String> components;
    private final Path dir;
    private final Path logsDir;
    private final Path spoolDir;
    private final Path pidFile;
    private final Path startOutput;
    private final int c2sPort;
    private final int componentPort;
    private final int distPort;
    private final String node;
    private final Thread shutdownHook;
    private volatile long pid = -1;
    private volatile Set<Long> processTree = Set.of();
    private boolean closed;

    private EjabberdServer(Builder b, Path dir, int c2sPort, int componentPort, int distPort) throws IOException {
        this.domain = b.domain;
        this.components = Map.copyOf(b.components);
        this.dir = dir;
        this.logsDir = dir.resolve("logs");
        this.spoolDir = dir.resolve("spool");
        this.pidFile = dir.resolve("ejabberd.pid");
        this.startOutput = dir.resolve("ejabberdctl-start.out");
        this.c2sPort = c2sPort;
        this.componentPort = componentPort;
        this.distPort = distPort;
        this.node = "ejabberd-e2e-" + distPort + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + "@localhost";
        Files.createDirectories(logsDir);
        Files.createDirectories(spoolDir);
        Files.writeString(dir.resolve("ejabberd.yml"), config(b), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ejabberdctl.cfg"), ctlConfig(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("inetrc"), "{lookup,[\"file\",\"native\"]}.\n{host,{127,0,0,1}, [\"localhost\"]}.\n",
                StandardCharsets.UTF_8);
        chownToEjabberd(dir);
        this.shutdownHook = new Thread(this::killQuietly, "ejabberd-kill-" + distPort);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Virtual host {@code localhost}, no components. */
    public static EjabberdServer start() {
        return builder().start();
    }

    // ------------------------------------------------------------------------------------------ API

    @Override
    public String kind() {
        return "ejabberd";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public int c2sPort() {
        return c2sPort;
    }

    @Override
    public int componentPort() {
        return componentPort;
    }

    @Override
    public Map<String, String> components() {
        return components;
    }

    /** PID of the Erlang VM (beam.smp) running this node, from its pid file. */
    @Override
    public long pid() {
        return pid;
    }

    /** The Erlang node name, unique to this instance. */
    public String node() {
        return node;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public boolean isAlive() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void register(String user, String password) {
        ejabberdctl("register", user, domain, password);
    }

    /** Runs {@code ejabberdctl} on this node with {@code args}; returns its output, throws on non-zero exit. */
    public String ejabberdctl(String... args) {
        List<String> cmd = new ArrayList<>(ctlCommand());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(CTL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ejabberdctl timed out: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ejabberdctl " + args[0] + " failed (exit " + p.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** ejabberd's log, its error log and what {@code ejabberdctl start} printed; for failure diagnostics. */
    @Override
    public String log() {
        StringBuilder sb = new StringBuilder();
        sb.append(readQuietly(logsDir.resolve("ejabberd.log")));
        String errors = readQuietly(logsDir.resolve("error.log"));
        if (!errors.isBlank()) {
            sb.append("\n--- ejabberd error.log ---\n").append(errors);
        }
        String console = readQuietly(startOutput);
        if (!console.isBlank()) {
            sb.append("\n--- ejabberdctl start output ---\n").append(console);
        }
        return sb.toString();
    }

    /** SIGTERM to the node's PID, wait up to 10 s, then SIGKILL; then deletes the temp directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopProcess();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // JVM already shutting down
            }
            if (!Boolean.getBoolean("ejabberd.keep")) {
                deleteRecursively(dir);
            }
        }
    }

    @Override
    public String toString() {
        return "ejabberd[" + domain + " c2s=127.0.0.1:" + c2sPort + " component=127.0.0.1:" + componentPort
                + " node=" + node + " pid=" + pid + " dir=" + dir + "]";
    }

    // ------------------------------------------------------------------------------------- internals

    private List<String> ctlCommand() {
        return List.of(binary("ejabberdctl"), "--config-dir", dir.toString(), "--spool", spoolDir.toString(),
                "--logs", logsDir.toString());
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(ctlCommand());
        cmd.add("start");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(startOutput.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new StartFailure("ejabberdctl start did not return within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting ejabberd", e);
        }
        if (p.exitValue() != 0) {
            throw new StartFailure("ejabberdctl start failed with exit status " + p.exitValue());
        }
    }

    /** Waits until the pid file names a live process and both ports accept connections. */
    private void awaitReady() throws IOException {
        long started = System.nanoTime();
        long deadline = started + START_TIMEOUT.toNanos();
        boolean c2sUp = false;
        boolean compUp = components.isEmpty();
        while (true) {
            if (pid <= 0) {
                pid = readPid();
            }
            if (pid > 0 && !isAlive()) {
                throw new StartFailure("ejabberd (pid " + pid + ") exited during startup");
            }
            if (pid > 0) {
                c2sUp = c2sUp || canConnect(c2sPort);
                compUp = compUp || canConnect(componentPort);
                if (c2sUp && compUp) {
                    rememberProcessTree();
                    return;
                }
            }
            if (pid <= 0 && System.nanoTime() - started > NO_PROCESS_GRACE.toNanos() && findNodeProcesses().isEmpty()) {
                // No VM of ours exists at all: it died before writing its pid file (bad config, say).
                throw new StartFailure("ejabberd exited during startup (no process for node " + node + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure("ejabberd did not open its ports within " + START_TIMEOUT.toSeconds()
                        + " s (pid " + pid + ", c2s " + c2sPort + " up: " + c2sUp + ", component " + componentPort
                        + " up: " + compUp + ")");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for ejabberd", e);
            }
        }
    }

    private long readPid() {
        try {
            String s = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void rememberProcessTree() {
        Set<Long> pids = new HashSet<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        processTree = Set.copyOf(pids);
    }

    /**
     * PIDs of the processes running our node, found by its unique name: used only if the VM never
     * wrote its pid file (a failed start), so that it can still be stopped by PID.
     */
    private List<Long> findNodeProcesses() {
        List<Long> found = new ArrayList<>();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.forEach(h -> {
                String cmd = cmdline(h.pid());
                if (cmd.contains(" " + node + " ") || cmd.endsWith(" " + node)) {
                    found.add(h.pid());
                }
            });
        }
        return found;
    }

    private static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private void stopProcess() {
        List<Long> targets = new ArrayList<>();
        if (pid > 0) {
            targets.add(pid);
        } else {
            targets.addAll(findNodeProcesses());
        }
        for (long p : targets) {
            ProcessHandle.of(p).ifPresent(h -> {
                h.destroy(); // SIGTERM: the node stops cleanly
                if (!awaitExit(h, STOP_TIMEOUT)) {
                    h.destroyForcibly();
                    awaitExit(h, STOP_TIMEOUT);
                }
            });
        }
        // Its helpers (erl_child_setup, inet_gethost) end with it; make sure, by their PIDs.
        for (long p : processTree) {
            ProcessHandle.of(p).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void killQuietly() {
        try {
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long p : processTree) {
                ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (RuntimeException ignored) {
            // JVM exiting
        }
    }

    private static boolean awaitExit(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        }
    }

    private String config(Builder b) {
        StringBuilder c = new StringBuilder();
        c.append("# generated by ").append(EjabberdServer.class.getName()).append('\n');
        c.append("hosts:\n  - ").append(yaml(domain)).append('\n');
        c.append("loglevel: ").append(b.logLevel).append('\n');
        c.append("log_rotate_count: 0\n");
        c.append("certfiles: []\n");
        c.append("hide_sensitive_log_data: false\n");
        c.append("auth_method: internal\n");
        c.append("auth_password_format: plain\n");
        c.append("listen:\n");
        c.append("  -\n    port: ").append(c2sPort).append("\n    ip: \"127.0.0.1\"\n    module: ejabberd_c2s\n")
                .append("    starttls_required: false\n    access: c2s\n");
        if (!components.isEmpty()) {
            c.append("  -\n    port: ").append(componentPort).append("\n    ip: \"127.0.0.1\"\n    module: ejabberd_service\n")
                    .append("    hosts:\n");
            for (Map.Entry<String, String> e : components.entrySet()) {
                c.append("      ").append(yaml(e.getKey())).append(":\n        password: ").append(yaml(e.getValue())).append('\n');
            }
            if (!b.globalRoutes) {
                // Each connection then gets only the traffic of the host it authenticated as.
                c.append("    global_routes: false\n");
            }
        }
        c.append("acl:\n  local:\n    user_regexp: \"\"\n");
        c.append("access_rules:\n  local:\n    allow: local\n  c2s:\n    allow: all\n");
        c.append("shaper_rules:\n  max_user_sessions: 100\n");
        c.append("modules:\n");
        c.append("  mod_roster: {}\n");
        c.append("  mod_disco: {}\n");
        c.append("  mod_ping: {}\n");
        for (String extra : b.extra) {
            c.append(extra).append('\n');
        }
        return c.toString();
    }

    private String ctlConfig() {
        return "# generated by " + EjabberdServer.class.getName() + "\n"
                + "ERLANG_NODE=" + node + "\n"
                + "ERL_DIST_PORT=" + distPort + "\n"
                + "INET_DIST_INTERFACE=127.0.0.1\n"
                + "EJABBERD_PID_PATH=" + pidFile + "\n"
                + "EJABBERD_BYPASS_WARNINGS=true\n";
    }

    /** A YAML double-quoted scalar. */
    private static String yaml(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    /** As root, ejabberdctl runs the node as the ejabberd user, which must own (and so can write) everything here. */
    private static void chownToEjabberd(Path root) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // running as ejabberd itself: the files are ours already
        }
        UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(USER);
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    /** Absolute path of an ejabberd executable; throws if ejabberd is not installed. */
    static String binary(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.add("/usr/sbin");
        dirs.add("/usr/bin");
        dirs.add("/usr/local/sbin");
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Paths.get(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("ejabberd is not installed: '" + name + "' not found on PATH (" + path
                + ") nor in /usr/sbin. The end-to-end tests need a real ejabberd; install it with .ci/install-servers"
                + " (apt-get install -y ejabberd).");
    }

    private static void checkUser() {
        String me = System.getProperty("user.name");
        if (!"root".equals(me) && !USER.equals(me)) {
            throw new IllegalStateException("ejabberdctl runs only as root or as the '" + USER + "' user; this JVM runs as '"
                    + me + "'. Run the end-to-end tests as root (as CI does).");
        }
    }

    // --------------------------------------------------------------------------------------- builder

    public static final class Builder {
        private String domain = "localhost";
        private final Map<String, String> components = new LinkedHashMap<>();
        private final List<String> extra = new ArrayList<>();
        private String logLevel = System.getProperty("ejabberd.log.level", "info");
        private boolean globalRoutes = true;

        private Builder() {
        }

        /** The virtual host (default {@code localhost}). */
        public Builder domain(String domain) {
            this.domain = Objects.requireNonNull(domain);
            return this;
        }

        /** Declares an external component (XEP-0114) with this secret on the {@code ejabberd_service} port. */
        public Builder component(String name, String secret) {
            components.put(Objects.requireNonNull(name), Objects.requireNonNull(secret));
            return this;
        }

        /** ejabberd log level: none, emergency, alert, critical, error, warning, notice, info, debug. */
        /**
         * {@code global_routes} of the {@code ejabberd_service} listener: true (ejabberd's
         * default) routes every host of the listener to each connection on it.
         */
        public Builder globalRoutes(boolean on) {
            this.globalRoutes = on;
            return this;
        }

        public Builder logLevel(String level) {
            this.logLevel = Objects.requireNonNull(level);
            return this;
        }

        /**
         * Raw YAML appended to the end of ejabberd.yml, indented as it is given; it lands inside
         * the {@code modules:} map, so e.g. {@code "  mod_version: {}"} loads a module.
         */
        public Builder extraConfig(String yamlLines) {
            extra.add(Objects.requireNonNull(yamlLines));
            return this;
        }

        /**
         * Starts ejabberd and returns once its pid file exists and c2s (and, if any component is
         * declared, the component port) accept TCP connections. Retries with new ports if a port
         * was taken meanwhile.
         */
        public EjabberdServer start() {
            binary("ejabberdctl"); // fail loudly before creating anything
            checkUser();
            return startWithRetries("ejabberd", START_ATTEMPTS,
                    (dir, ports) -> new EjabberdServer(this, dir, ports.next(), ports.next(), ports.next()),
                    server -> {
                        server.launch();
                        server.awaitReady();
                    });
        }
    }
}
