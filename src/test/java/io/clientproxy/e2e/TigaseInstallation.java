package io.clientproxy.e2e;

import static io.clientproxy.e2e.ServerFiles.canConnect;
import static io.clientproxy.e2e.ServerFiles.deleteRecursively;
import static io.clientproxy.e2e.ServerFiles.readQuietly;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jxmpp.jid.parts.Localpart;

/**
 * A real Tigase XMPP Server 8.4 run from a copy of an operator's installation, for
 * {@code scripts/verify-tigase}: the installation itself is never modified. The copy keeps the
 * installation's {@code jars/} (Tigase and whatever else it runs) and its TLS certificates, and
 * gets a private configuration: a fresh Derby database inside the copy (never the installation's
 * database, which may be a production one), virtual host {@value #DOMAIN}, free loopback ports,
 * c2s traffic throttling off (a test bot sends far more than Tigase's default 2,500 stanzas a
 * minute), in-band registration, and the component installed by {@code scripts/install-tigase}.
 * Started as {@code java -cp 'jars/*' tigase.server.XMPPServer} in the copy and stopped by PID.
 */
public final class TigaseInstallation implements XmppServer {
    public static final String DOMAIN = "localhost";
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    /** The line Tigase logs once every component has started. */
    static final String READY_LINE = "Server finished starting up";

    private final Path dir;
    private final int c2sPort;
    private final Path console;
    private Process process;

    private TigaseInstallation(Path dir, int c2sPort) {
        this.dir = dir;
        this.c2sPort = c2sPort;
        this.console = dir.resolve("logs/console.log");
    }

    /**
     * Copies {@code home}, configures the copy, installs the component as bean {@code bean} with
     * {@code scripts/install-tigase} and the extra bean options given (TDSL values, e.g.
     * {@code "'PT4S'"}), and starts it.
     *
     * @param admin the local part of Tigase's admin in the copy, created with the database
     *              (password {@link ProxyFixture#password(String)})
     */
    public static TigaseInstallation start(Path home, String bean, String target, Map<String, String> beanOptions,
                                           String admin) throws IOException, InterruptedException {
        return start(home, List.of(new Bean(bean, target, beanOptions)), admin, "");
    }

    /** A bean of the component: its name, target and extra options (TDSL values). */
    public record Bean(String name, String target, Map<String, String> options) {
    }

    /**
     * As {@link #start(Path, String, String, Map, String)}, with several beans (each installed with
     * {@code scripts/install-tigase}) and {@code extraConfig} (TDSL) appended to the copy's
     * {@code config.tdsl}.
     */
    public static TigaseInstallation start(Path home, List<Bean> beans, String admin, String extraConfig)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(home.resolve("jars")) || !Files.isDirectory(home.resolve("etc"))) {
            throw new IllegalArgumentException(home + " is not a Tigase installation (no jars/ and etc/)");
        }
        Path dir = Files.createTempDirectory("verify-tigase-");
        TigaseInstallation t = null;
        try {
            for (String part : List.of("jars", "etc", "certs", "database", "scripts")) {
                copyTree(home.resolve(part), dir.resolve(part));
            }
            Files.createDirectories(dir.resolve("logs"));
            ServerFiles.FreePorts ports = new ServerFiles.FreePorts();
            t = new TigaseInstallation(dir, ports.next());
            t.configure(ports, admin + "@" + DOMAIN);
            Files.writeString(dir.resolve("etc/config.tdsl"), extraConfig, StandardOpenOption.APPEND);
            for (Bean b : beans) {
                t.installComponent(b.name(), b.target(), b.options());
            }
            t.createDatabase(admin);
            t.launch();
            return t;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (t != null) {
                t.close();
            } else {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** The copy's own config.tdsl (the installation's stays beside it as config.tdsl.installation). */
    private void configure(ServerFiles.FreePorts ports, String admin) throws IOException {
        Path config = dir.resolve("etc/config.tdsl");
        if (Files.exists(config)) {
            Files.move(config, dir.resolve("etc/config.tdsl.installation"), StandardCopyOption.REPLACE_EXISTING);
        }
        StringBuilder c = new StringBuilder();
        c.append("# written by scripts/verify-tigase for a private run on loopback\n");
        c.append("'config-type' = 'default'\n");
        c.append("'default-virtual-host' = '").append(DOMAIN).append("'\n");
        c.append("admins = [ '").append(admin).append("' ]\n");
        c.append("dataSource () {\n    default () {\n        uri = '").append(databaseUri()).append("'\n    }\n}\n");
        c.append("c2s () {\n    ifc = [ '127.0.0.1' ]\n    connections () {\n        ports = [ ").append(c2sPort)
                .append(" ]\n    }\n    seeOtherHost {}\n    trafficThrottling = 'xmpp:0:0:disc,bin:0:0:disc'\n}\n");
        // Every other listener of a default configuration on a free loopback port, so that nothing
        // else on this machine (the installation itself, say) is in the way.
        for (String cm : List.of("s2s", "bosh", "ws2s")) {
            c.append(cm).append(" () {\n    ifc = [ '127.0.0.1' ]\n    connections () {\n        ports = [ ")
                    .append(ports.next()).append(" ]\n    }\n")
                    .append(cm.equals("s2s") ? "" : "    seeOtherHost {}\n").append("}\n");
        }
        if (hasJar("tigase-http-api")) {
            c.append("httpServer () {\n    connections () {\n        ports = [ ").append(ports.next())
                    .append(" ]\n    }\n}\n");
        }
        c.append("logging () {\n    rootLevel = 'CONFIG'\n    'debug-packages' = [ 'io.clientproxy' ]\n}\n");
        Files.writeString(config, c.toString(), StandardCharsets.UTF_8);
    }

    private boolean hasJar(String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(dir.resolve("jars"))) {
            return jars.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    private String databaseUri() {
        return "jdbc:derby:" + dir.resolve("verifydb") + ";create=true";
    }

    /** scripts/install-tigase into the copy, then the given options into the bean it added. */
    private void installComponent(String bean, String target, Map<String, String> options)
            throws IOException, InterruptedException {
        Path script = Path.of("scripts/install-tigase").toAbsolutePath();
        run(List.of("bash", script.toString(), dir.toString(), target, bean), "scripts/install-tigase");
        Path config = dir.resolve("etc/config.tdsl");
        String text = Files.readString(config);
        String anchor = "'target-address' = '" + target + "'\n";
        if (!text.contains(anchor)) {
            throw new IOException("scripts/install-tigase did not add the bean: " + text);
        }
        StringBuilder extra = new StringBuilder(anchor);
        options.forEach((k, v) -> extra.append("    '").append(k).append("' = ").append(v).append('\n'));
        Files.writeString(config, text.replace(anchor, extra.toString()));
    }

    /**
     * Creates the Derby database with Tigase's own schema tool, from the installation's jars
     * (the schema files in {@code database/}).
     */
    private void createDatabase(String admin) throws IOException, InterruptedException {
        run(List.of(java(), "-cp", "jars/*", "tigase.db.util.SchemaManager", "install-schema",
                "-T", "derby", "-D", dir.resolve("verifydb").toString(), "-H", "localhost",
                "-U", "tigase", "-P", "tigase",
                "-J", admin + "@" + DOMAIN, "-N", ProxyFixture.password(admin)), "Tigase's SchemaManager install-schema");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir.resolve("logs"), "step-", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(what + " did not finish within 180 s: " + readQuietly(log));
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed with status " + p.exitValue() + ":\n" + readQuietly(log));
        }
    }

    private void launch() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Dfile.encoding=UTF-8", "-server", "-Xms64m", "-Xmx1g",
                "-cp", "jars/*", "tigase.server.XMPPServer"));
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!(readQuietly(console).contains(READY_LINE) && canConnect(c2sPort))) {
            if (!process.isAlive()) {
                throw new IOException("Tigase exited during start-up with status " + process.exitValue() + ":\n"
                        + logTail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Tigase was not ready within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail(40));
            }
            Thread.sleep(250);
        }
    }

    // ------------------------------------------------------------------ XmppServer

    @Override
    public String kind() {
        return "tigase";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public String domain() {
        return DOMAIN;
    }

    @Override
    public int c2sPort() {
        return c2sPort;
    }

    /** The component runs inside Tigase: there is no external component port. */
    @Override
    public int componentPort() {
        throw new UnsupportedOperationException("the component runs inside Tigase");
    }

    @Override
    public Map<String, String> components() {
        return new LinkedHashMap<>();
    }

    /**
     * A client of this server: STARTTLS (Tigase requires it before SASL) with its self-signed
     * certificate. Without {@code streamManagement}, a closed connection ends the session at once
     * (Tigase sends its unavailable presence within milliseconds); with it, Tigase keeps the
     * session for resumption first.
     */
    public XMPPTCPConnection connect(String user, String password, String resource, Duration replyTimeout,
                                     boolean streamManagement) throws Exception {
        return XmppClients.connectAndLogin(host(), c2sPort, DOMAIN, user, password, resource, replyTimeout, true,
                streamManagement);
    }

    /** In-band registration (XEP-0077) over TLS; Tigase requires an {@code email} field by default. */
    @Override
    public void register(String user, String password) {
        try {
            XMPPTCPConnection conn = new XMPPTCPConnection(XmppClients.configuration(host(), c2sPort, DOMAIN, true).build());
            // Smack's default 5 s is short for a loaded machine (Tigase's first registrations also
            // create the database rows); a registration is not what the check measures.
            conn.setReplyTimeout(20_000);
            try {
                conn.connect();
                AccountManager accounts = AccountManager.getInstance(conn);
                accounts.createAccount(Localpart.from(user), password,
                        new java.util.HashMap<>(Map.of("email", user + "@example.invalid")));
            } finally {
                conn.disconnect();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not register " + user + "@" + DOMAIN + " in-band: " + e, e);
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public String log() {
        StringBuilder sb = new StringBuilder(readQuietly(console));
        try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
            for (Path p : (Iterable<Path>) logs.sorted()::iterator) {
                if (p.getFileName().toString().startsWith("tigase.log")) {
                    sb.append("\n--- ").append(p.getFileName()).append(" ---\n").append(readQuietly(p));
                }
            }
        } catch (IOException ignored) {
            // the console is enough
        }
        return sb.toString();
    }

    /** The copy's directory (kept after {@link #close()} with {@code -Dtigase.keep=true}). */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            ProcessHandle handle = process.toHandle();
            handle.destroy(); // SIGTERM: Tigase's shutdown hook stops the components
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    handle.destroyForcibly();
                    process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (!Boolean.getBoolean("tigase.keep")) {
            deleteRecursively(dir);
        }
    }

    @Override
    public String toString() {
        return "Tigase[" + dir + " c2s=127.0.0.1:" + c2sPort + (process == null ? "" : " pid=" + process.pid()) + "]";
    }
}
