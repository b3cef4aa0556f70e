package io.clientproxy.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the private test servers (ProsodyServer, EjabberdServer) share: start with retries on free
 * ports, readiness probe, logs, clean-up.
 */
final class ServerFiles {
    private ServerFiles() {
    }

    /** A start that failed in a way a new attempt (new directory, new ports) may fix. */
    static final class StartFailure extends IOException {
        StartFailure(String message) {
            super(message);
        }
    }

    /** Makes a server in a new directory on the given free ports; it may already be running. */
    @FunctionalInterface
    interface Create<T extends XmppServer> {
        T create(Path dir, FreePorts ports) throws IOException;
    }

    /** Brings a created server up and returns once it serves, or throws. */
    @FunctionalInterface
    interface Ready<T extends XmppServer> {
        void await(T server) throws IOException;
    }

    /** Free loopback ports, each different from the others handed out by the same instance. */
    static final class FreePorts {
        private final Set<Integer> taken = new HashSet<>();

        int next() throws IOException {
            while (true) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                    int port = s.getLocalPort();
                    if (taken.add(port)) {
                        return port;
                    }
                }
            }
        }
    }

    /**
     * Creates and readies a server, up to {@code attempts} times while it fails with a
     * {@link StartFailure} (a port taken meanwhile, a slow start), each time in a new temporary
     * directory on new ports; a failed attempt is closed, or its directory deleted.
     *
     * @param name as failure messages name the server ({@code Prosody}, {@code ejabberd})
     */
    static <T extends XmppServer> T startWithRetries(String name, int attempts, Create<T> create, Ready<T> ready) {
        String lastLog = "";
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Path dir = null;
            T server = null;
            try {
                dir = Files.createTempDirectory(name.toLowerCase(java.util.Locale.ROOT) + "-e2e-");
                server = create.create(dir, new FreePorts());
                ready.await(server);
                return server;
            } catch (IOException e) {
                last = e;
                if (server != null) {
                    lastLog = server.log();
                    server.close();
                } else if (dir != null) {
                    deleteRecursively(dir);
                }
                if (!(e instanceof StartFailure)) {
                    break;
                }
            } catch (RuntimeException e) {
                if (server != null) {
                    server.close();
                } else if (dir != null) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }
        throw new IllegalStateException("could not start " + name + ": " + last.getMessage()
                + "\n--- " + name.toLowerCase(java.util.Locale.ROOT) + " log ---\n" + lastLog, last);
    }

    /** Whether something accepts TCP connections on this loopback port now. */
    static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A log file's text for a failure message; never throws. */
    static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }

    /** Best-effort removal of a server's temporary directory. */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
