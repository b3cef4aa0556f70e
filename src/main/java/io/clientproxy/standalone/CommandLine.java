package io.clientproxy.standalone;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line: {@code [--config FILE] [--key=value ...] [--check[=DURATION]] [--help] [--version]}.
 * Options given as {@code --key=value} override the same key from the file.
 *
 * @param check how long {@code --check} may take; null when the proxy is to run
 */
record CommandLine(boolean help, boolean version, Path config, Map<String, String> overrides, Duration check) {

    /** A command line that cannot be understood; the message says why. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static CommandLine parse(String... args) {
        boolean help = false;
        boolean version = false;
        Path config = null;
        Duration check = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--version")) {
                version = true;
            } else if (arg.equals("--check") || arg.startsWith("--check=")) {
                check = eq < 0 ? ConnectionCheck.DEFAULT_LIMIT : checkLimit(arg.substring(eq + 1));
            } else if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--config needs a file name");
                }
                config = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                config = Path.of(arg.substring(eq + 1));
            } else if (arg.startsWith("--") && eq > 2) {
                overrides.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                throw new UsageException("unexpected argument '" + arg + "': options are --config FILE and --key=value");
            }
        }
        return new CommandLine(help, version, config, Collections.unmodifiableMap(overrides), check);
    }

    private static Duration checkLimit(String text) {
        try {
            Duration d = Duration.parse(text);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new UsageException("--check=" + text + ": the limit must be a positive ISO-8601 duration such as PT15S");
    }

    /** The text of {@code --help}: usage, every {@link ConfigOption} with its default, the exit statuses. */
    static String usage() {
        StringBuilder sb = new StringBuilder("""
                Usage: java [-Djava.util.logging.config.file=etc/logging.properties] -jar tigase-client-proxy.jar
                           [--config FILE] [--key=value ...] [--check[=PT15S]]

                Runs the client proxy as an external component (XEP-0114) of any XMPP server: IQ requests
                sent to the component are answered by the online resources of the target account.

                  --config FILE   Java properties file with the options below (see etc/proxy.conf)
                  --key=value     set an option; overrides the file
                  --check[=PT15S] instead of running: connect, ask the target for its presence subscription,
                                  list its online resources, ping one from the component; print a verdict
                                  and exit 0 (healthy) or 1 (not), all within the given time (default 15 s)
                  --help          this text
                  --version       the version

                Options (durations are ISO-8601, e.g. PT30S, PT5M):
                """);
        for (ConfigOption o : ConfigOption.values()) {
            sb.append("  ").append(o.key()).append(" ".repeat(Math.max(1, 24 - o.key().length()))).append(o.description())
                    .append(o.isRequired() ? "" : " [" + (o.defaultValue().isEmpty() ? "empty" : o.defaultValue()) + "]")
                    .append('\n');
        }
        return sb.append("""

                Exit status: 143 after a normal stop by SIGTERM (the JVM's 128 + 15; 130 for Ctrl-C), 2 for a bad
                option, or when before the first connection the server refuses the component for good
                (not-authorized: the secret; host-unknown: component-domain; conflict: another connection
                already is this component) or server-host does not resolve.
                With --check: 0 healthy, 1 not healthy (the line before the verdict says why), 2 for a bad option.
                """).toString();
    }
}
