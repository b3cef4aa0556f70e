package io.clientproxy.standalone;

import io.clientproxy.Version;
import io.clientproxy.core.InvalidSettingException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code java -jar tigase-client-proxy.jar --config etc/proxy.conf}: the standalone proxy. Runs
 * until SIGTERM (or Ctrl-C), then answers what is pending and closes the stream.
 *
 * <p>Exit status 2: a bad command line or option (one line on stderr naming the key and value),
 * or, before the first connection succeeded, the server refused the component for good
 * ({@code not-authorized}, {@code host-unknown}, {@code conflict}) or its host did not resolve
 * (one SEVERE line naming the server and the cause).
 * With {@code --check} ({@link ConnectionCheck}): 0 healthy, 1 not.
 */
public final class Main {
    static final String NAME = "tigase-client-proxy";
    static final int OK = 0;
    /** Exit status when a thread of the proxy died of something it could not handle (e.g. out of memory). */
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

    private Main() {
    }

    public static void main(String[] args) {
        defaultLogging();
        // A proxy thread that dies (the reader, out of memory) would leave a process that looks
        // alive, its connection open and unread: end it, so that a supervisor starts it again.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            try {
                System.err.println(NAME + ": thread " + thread.getName() + " failed (" + e + "); stopping with status "
                        + FAILED + " so that a supervisor can restart the proxy");
            } finally {
                Runtime.getRuntime().halt(FAILED);
            }
        });
        int status = run(args, System.out, System.err);
        if (status != OK) {
            System.exit(status);
        }
    }

    /**
     * One line per record unless the operator brought a logging configuration. Must run before
     * the first logger is created (so: no static loggers in this class).
     */
    private static void defaultLogging() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null
                && System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
    }

    /** Parses, validates, runs until stopped; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl;
        Map<String, String> options = new LinkedHashMap<>();
        StandaloneSettings settings;
        try {
            cl = CommandLine.parse(args);
            if (cl.help() || cl.version()) {
                out.print(cl.help() ? CommandLine.usage() : NAME + " " + Version.current() + System.lineSeparator());
                return OK;
            }
            if (cl.config() == null && cl.overrides().isEmpty()) {
                err.println(NAME + ": no configuration: run it with --config FILE (etc/proxy.conf is an example to copy"
                        + " and fill in), or give the options as --key=value; --help lists them");
                return USAGE;
            }
            if (cl.config() != null) {
                options.putAll(load(cl.config()));
            }
            options.putAll(cl.overrides());
        } catch (CommandLine.UsageException e) {
            err.println(NAME + ": " + e.getMessage() + " (see --help)");
            return USAGE;
        } catch (IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return USAGE;
        }
        try {
            settings = StandaloneSettings.parse(options);
        } catch (InvalidSettingException e) {
            err.println(NAME + ": " + whatToDo(e, options, cl));
            return USAGE;
        }
        if (cl.check() != null) {
            return ConnectionCheck.run(settings, cl.check(), out);
        }

        StandaloneProxy proxy;
        try {
            proxy = StandaloneProxy.start(settings);
        } catch (InvalidSettingException e) {
            err.println(NAME + ": " + e.getMessage());
            return USAGE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            ShutdownSafeLogManager.resetFinally();
        }, NAME + "-shutdown"));
        try {
            while (!proxy.awaitTermination(Duration.ofDays(1))) {
                // runs until a shutdown hook or a fatal refusal stops it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proxy.close();
        }
        return proxy.gaveUp() ? USAGE : OK;
    }

    /** A bad setting's message; for an unknown key the one meant, for a required option that is not there where to set it. */
    private static String whatToDo(InvalidSettingException e, Map<String, String> options, CommandLine cl) {
        ConfigOption option = ConfigOption.byKey(e.key());
        String value = options.get(e.key());
        if (option == null) {
            String where = cl.overrides().containsKey(e.key()) || cl.config() == null ? "on the command line"
                    : "in " + cl.config();
            return "unknown option '" + e.key() + "' " + where + ": " + ConfigOption.hint(e.key());
        }
        if (!option.isRequired() || (value != null && !value.isBlank())) {
            return e.getMessage();
        }
        return "missing option '" + e.key() + "' (" + option.description().replaceFirst("^required: ", "") + "): add '"
                + e.key() + " = ...' to " + (cl.config() == null ? "a configuration file given with --config" : cl.config())
                + ", or give --" + e.key() + "=...";
    }

    private static Map<String, String> load(Path config) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IOException("the configuration file " + config.toAbsolutePath() + " does not exist: give the"
                    + " path of yours with --config (etc/proxy.conf is an example to copy and fill in)", e);
        } catch (AccessDeniedException e) {
            throw new IOException("the configuration file " + config + " cannot be read by this user: check its"
                    + " permissions", e);
        } catch (IOException e) {
            throw new IOException("cannot read the configuration file " + config + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("the configuration file " + config + " is not a valid properties file: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(key -> values.put(key, p.getProperty(key)));
        return values;
    }
}
