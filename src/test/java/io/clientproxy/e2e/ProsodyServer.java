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
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A private Prosody instance for end-to-end tests.
 *
 * <p>Everything lives in a fresh temp directory (config, data, pid file, log). Only 127.0.0.1 is
 * bound: one c2s port and one XEP-0114 component port, both picked free; s2s is disabled (module
 * unloaded) and no HTTP, direct-TLS or admin-socket listener is loaded. c2s needs no TLS and allows
 * PLAIN without encryption, so Smack can connect with {@code SecurityMode.disabled}. With
 * {@link Builder#starttls()} c2s also offers STARTTLS (optional) with a fresh self-signed
 * certificate, as a real server does: a client that means to stay unencrypted must decline it.
 *
 * <p>Works as root: the config sets {@code run_as_root = true} (Prosody's mod_posix otherwise
 * refuses to start as uid 0, and prosodyctl would switch to the {@code prosody} user).
 *
 * <p>If Prosody is not installed this throws {@link IllegalStateException}; it never skips.
 * Install with {@code .ci/install-servers}.
 *
 * <pre>{@code
 * try (ProsodyServer xmpp = ProsodyServer.builder().component("proxy.localhost", "secret").start()) {
 *     xmpp.register("alice", "pw");
 *     ... XmppClients.connect(xmpp, "alice", "pw", "res", 0) ...
 * }
 * }</pre>
 *
 * <p>System properties: {@code prosody.log.level} (default {@code info}; {@code debug} logs every
 * stanza), {@code prosody.keep=true} keeps the temp directory after {@link #close()}.
 */
public final class ProsodyServer implements XmppServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final String domain;
    private final Map<String, String> components;
    private final Path dir;
    private final Path configFile;
    private final Path logFile;
    private final Path consoleFile;
    private final Path pidFile;
    private final int c2sPort;
    private final int componentPort;
    private final Process process;
    private final Thread shutdownHook;
    private boolean closed;

    private ProsodyServer(Builder b, Path dir, int c2sPort, int componentPort) throws IOException {
        this.domain = b.domain;
        this.components = Map.copyOf(b.components);
        this.dir = dir;
        this.configFile = dir.resolve("prosody.cfg.lua");
        this.logFile = dir.resolve("prosody.log");
        this.consoleFile = dir.resolve("console.log");
        this.pidFile = dir.resolve("prosody.pid");
        this.c2sPort = c2sPort;
        this.componentPort = componentPort;
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("certs"));
        if (b.starttls) {
            selfSignedCertificate(b.domain, dir.resolve("certs"));
        }
        Files.writeString(configFile, config(b), StandardCharsets.UTF_8);

        ProcessBuilder pb = new ProcessBuilder(prosodyBinary("prosody"), "--config", configFile.toString(), "-F")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(consoleFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        this.process = pb.start();
        this.shutdownHook = new Thread(process::destroyForcibly, "prosody-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Virtual host {@code localhost}, no components. */
    public static ProsodyServer start() {
        return builder().start();
    }

    // ------------------------------------------------------------------------------------------ API

    @Override
    public String kind() {
        return "prosody";
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

    /** The XEP-0114 ({@code jabber:component:accept}) port shared by all declared components. */
    @Override
    public int componentPort() {
        return componentPort;
    }

    /** Component name to secret, as declared. */
    @Override
    public Map<String, String> components() {
        return components;
    }

    /** PID of the Prosody (lua) process itself, e.g. for reading /proc/PID/stat. */
    @Override
    public long pid() {
        return process.pid();
    }

    public Path directory() {
        return dir;
    }

    public Path configFile() {
        return configFile;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Creates (or resets the password of) {@code user@domain()}. */
    @Override
    public void register(String user, String password) {
        register(user, domain, password);
    }

    /** Creates an account with {@code prosodyctl register}; works while the server is running. */
    public void register(String user, String host, String password) {
        prosodyctl("register", user, host, password);
    }

    /** Runs {@code prosodyctl --config <ours> args...}; returns its output, throws on non-zero exit. */
    public String prosodyctl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(prosodyBinary("prosodyctl"));
        cmd.add("--config");
        cmd.add(configFile.toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("prosodyctl timed out: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("prosodyctl " + args[0] + " failed (exit " + p.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prosody's log file plus anything it wrote to stdout/stderr; for failure diagnostics. */
    @Override
    public String log() {
        StringBuilder sb = new StringBuilder();
        sb.append(readQuietly(logFile));
        String console = readQuietly(consoleFile);
        if (!console.isBlank()) {
            sb.append("\n--- prosody stdout/stderr ---\n").append(console);
        }
        return sb.toString();
    }

    /** SIGTERM, wait up to 10 s, then SIGKILL; then deletes the temp directory. Idempotent. */
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
            if (!Boolean.getBoolean("prosody.keep")) {
                deleteRecursively(dir);
            }
        }
    }

    @Override
    public String toString() {
        return "Prosody[" + domain + " c2s=127.0.0.1:" + c2sPort + " component=127.0.0.1:" + componentPort
                + " pid=" + process.pid() + " dir=" + dir + "]";
    }

    // ------------------------------------------------------------------------------------- internals

    private void stopProcess() {
        ProcessHandle handle = process.toHandle();
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy(); // SIGTERM
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                handle.destroyForcibly(); // SIGKILL
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the pid file is written and both ports accept connections. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        boolean c2sUp = false;
        boolean compUp = components.isEmpty();
        while (true) {
            if (!process.isAlive()) {
                throw new StartFailure("Prosody exited during startup with status " + process.exitValue());
            }
            c2sUp = c2sUp || canConnect(c2sPort);
            compUp = compUp || canConnect(componentPort);
            if (c2sUp && compUp && Files.exists(pidFile) && pidFileMatches()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure("Prosody did not open its ports within " + START_TIMEOUT.toSeconds()
                        + " s (c2s " + c2sPort + " up: " + c2sUp + ", component " + componentPort + " up: " + compUp + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Prosody", e);
            }
        }
    }

    private boolean pidFileMatches() {
        try {
            String s = Files.readString(pidFile).trim();
            return !s.isEmpty() && Long.parseLong(s) == process.pid();
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private String config(Builder b) {
        String data = dir.resolve("data").toString();
        StringBuilder c = new StringBuilder();
        c.append("-- generated by ").append(ProsodyServer.class.getName()).append('\n');
        // uid 0 (CI): mod_posix refuses to start without this; prosodyctl would setuid to 'prosody'.
        c.append("run_as_root = true\n");
        c.append("pidfile = ").append(lua(pidFile.toString())).append('\n');
        c.append("data_path = ").append(lua(data)).append('\n');
        c.append("certificates = ").append(lua(dir.resolve("certs").toString())).append('\n');
        c.append("plugin_paths = { }\n");
        c.append("log = { { levels = { min = ").append(lua(b.logLevel)).append(" }, to = \"file\", filename = ")
                .append(lua(logFile.toString())).append(" } }\n");
        // Listeners: loopback only, fixed free ports, nothing else.
        c.append("interfaces = { \"127.0.0.1\" }\n");
        c.append("local_interfaces = { \"127.0.0.1\" }\n");
        c.append("c2s_interfaces = { \"127.0.0.1\" }\n");
        c.append("c2s_ports = { ").append(c2sPort).append(" }\n");
        c.append("c2s_direct_tls_ports = { }\n");
        c.append("legacy_ssl_ports = { }\n");
        c.append("component_interfaces = { \"127.0.0.1\" }\n");
        c.append("component_ports = { ").append(componentPort).append(" }\n");
        c.append("s2s_ports = { }\n");
        c.append("s2s_direct_tls_ports = { }\n");
        c.append("http_ports = { }\n");
        c.append("https_ports = { }\n");
        c.append("modules_enabled = { \"roster\"; \"saslauth\"; \"disco\"; \"ping\";");
        if (b.starttls) {
            c.append(" \"tls\";");
        }
        for (String module : b.extraModules) {
            c.append(' ').append(lua(module)).append(';');
        }
        c.append(" }\n");
        c.append("modules_disabled = { \"s2s\"; \"s2s_auth_certs\"; }\n");
        // Loopback tests: no TLS, PLAIN allowed in the clear (Smack SecurityMode.disabled).
        c.append("c2s_require_encryption = false\n");
        c.append("s2s_require_encryption = false\n");
        c.append("allow_unencrypted_plain_auth = true\n");
        c.append("authentication = \"internal_hashed\"\n");
        c.append("storage = \"internal\"\n");
        if (b.starttls) {
            // Offered, not required (c2s_require_encryption = false above).
            Path certs = dir.resolve("certs");
            c.append("ssl = { certificate = ").append(lua(certs.resolve(b.domain + ".crt").toString()))
                    .append(", key = ").append(lua(certs.resolve(b.domain + ".key").toString())).append(" }\n");
        }
        for (String extra : b.globalExtra) {
            c.append(extra).append('\n');
        }
        c.append('\n').append("VirtualHost ").append(lua(domain)).append('\n');
        for (Map.Entry<String, String> e : components.entrySet()) {
            c.append('\n').append("Component ").append(lua(e.getKey())).append('\n');
            c.append("  component_secret = ").append(lua(e.getValue())).append('\n');
        }
        return c.toString();
    }

    /** A Lua long-bracket-free double-quoted string literal. */
    private static String lua(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Writes {@code <domain>.key} and {@code <domain>.crt} (self-signed, RSA 2048, 2 days) with
     * Debian's openssl: what a test server that offers STARTTLS has, and no client trusts.
     */
    private static void selfSignedCertificate(String domain, Path certs) throws IOException {
        List<String> cmd = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + domain, "-keyout", certs.resolve(domain + ".key").toString(),
                "-out", certs.resolve(domain + ".crt").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl could not make a test certificate (.ci/install-servers"
                        + " installs openssl): " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Absolute path of a Prosody executable; throws if Prosody is not installed. */
    static String prosodyBinary(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.add("/usr/bin");
        dirs.add("/usr/local/bin");
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Paths.get(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("Prosody is not installed: '" + name + "' not found on PATH (" + path
                + "). The end-to-end tests need a real Prosody; install it with .ci/install-servers"
                + " (apt-get install -y prosody).");
    }

    // --------------------------------------------------------------------------------------- builder

    public static final class Builder {
        private String domain = "localhost";
        private final Map<String, String> components = new LinkedHashMap<>();
        private final List<String> globalExtra = new ArrayList<>();
        private final List<String> extraModules = new ArrayList<>();
        private String logLevel = System.getProperty("prosody.log.level", "info");
        private boolean starttls;

        private Builder() {
        }

        /** The virtual host (default {@code localhost}). */
        public Builder domain(String domain) {
            this.domain = Objects.requireNonNull(domain);
            return this;
        }

        /** Declares {@code Component "name"} with {@code component_secret = secret} (XEP-0114). */
        public Builder component(String name, String secret) {
            components.put(Objects.requireNonNull(name), Objects.requireNonNull(secret));
            return this;
        }

        /** Prosody log level: debug, info, warn, error. */
        public Builder logLevel(String level) {
            this.logLevel = Objects.requireNonNull(level);
            return this;
        }

        /** One more module in {@code modules_enabled}, e.g. {@code smacks} (XEP-0198) or {@code carbons}. */
        public Builder module(String name) {
            extraModules.add(Objects.requireNonNull(name));
            return this;
        }

        /**
         * c2s offers STARTTLS (not required) with a self-signed certificate, as most real servers
         * do; clients that connect with {@code SecurityMode.disabled} decline it.
         */
        public Builder starttls() {
            this.starttls = true;
            return this;
        }

        /** Raw Lua line(s) appended to the global section, e.g. {@code "c2s_timeout = 10"}. */
        public Builder globalConfig(String luaLines) {
            globalExtra.add(Objects.requireNonNull(luaLines));
            return this;
        }

        /**
         * Starts Prosody and returns once c2s (and, if any component is declared, the component
         * port) accept TCP connections. Retries with new ports if a port was taken meanwhile.
         */
        public ProsodyServer start() {
            prosodyBinary("prosody"); // fail loudly before creating anything
            prosodyBinary("prosodyctl");
            return startWithRetries("Prosody", START_ATTEMPTS, (dir, ports) -> new ProsodyServer(this, dir, ports.next(), ports.next()),
                    ProsodyServer::awaitReady);
        }
    }
}
