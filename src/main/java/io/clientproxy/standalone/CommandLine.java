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
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--version")) {
                version = true;
            } else if (arg.equals("--check")) {
                check = ConnectionCheck.DEFAULT_LIMIT;
            } else if (arg.startsWith("--check=")) {
                check = checkLimit(arg.substring("--check=".length()));
            } else if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--config needs a file name");
                }
                config = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                config = Path.of(arg.substring("--config=".length()));
            } else if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
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

    /** The text of {@code --help}: usage and every option with its default. */
    static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java [-Djava.util.logging.config.file=etc/logging.properties] -jar tigase-client-proxy.jar\n")
                .append("           [--config FILE] [--key=value ...] [--check[=PT15S]]\n\n")
                .append("Runs the client proxy as an external component (XEP-0114) of any XMPP server: IQ requests\n")
                .append("sent to the component are answered by the online resources of the target account.\n\n")
                .append("  --config FILE   Java properties file with the options below (see etc/proxy.conf)\n")
                .append("  --key=value     set an option; overrides the file\n")
                .append("  --check[=PT15S] instead of running: connect, ask the target for its presence subscription,\n")
                .append("                  list its online resources, ping one from the component; print a verdict\n")
                .append("                  and exit 0 (healthy) or 1 (not), all within the given time (default 15 s)\n")
                .append("  --help          this text\n")
                .append("  --version       the version\n\n")
                .append("Options (durations are ISO-8601, e.g. PT30S, PT5M):\n");
        for (ConfigOption o : ConfigOption.values()) {
            sb.append("  ").append(o.key());
            sb.append(" ".repeat(Math.max(1, 24 - o.key().length())));
            sb.append(o.description());
            if (!o.isRequired()) {
                sb.append(" [").append(o.defaultValue().isEmpty() ? "empty" : o.defaultValue()).append(']');
            }
            sb.append('\n');
        }
        sb.append("\nExit status: 143 after a normal stop by SIGTERM (the JVM's 128 + 15; 130 for Ctrl-C), 2 for a bad\n")
                .append("option, or when before the first connection the server refuses the component for good\n")
                .append("(not-authorized: the secret; host-unknown: component-domain; conflict: another connection\n")
                .append("already is this component) or server-host does not resolve.\n")
                .append("With --check: 0 healthy, 1 not healthy (the line before the verdict says why), 2 for a bad option.\n");
        return sb.toString();
    }
}
