package io.clientproxy.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} ({@link MetricsText}) on a loopback port for a monitoring system to
 * scrape. Loopback only, since the figures name the target's resources; put a reverse proxy in
 * front to expose them elsewhere. Any other path gets 404, any other method 405, and a request
 * whose {@code Host} is not a loopback name 403 (a web page that rebinds a DNS name to 127.0.0.1
 * cannot read it). A few daemon threads answer, and the JDK server closes a connection whose
 * request is not complete within {@value #REQUEST_SECONDS} s, so a stalled client cannot keep a
 * scraper out.
 */
final class MetricsEndpoint implements AutoCloseable {
    static final int REQUEST_SECONDS = 10;
    private static final int THREADS = 4;

    static {
        // Read once by the JDK's server configuration; without them a request may take forever.
        for (String limit : List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime")) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, String.valueOf(REQUEST_SECONDS));
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService thread;

    /**
     * Binds 127.0.0.1:{@code port} at once.
     *
     * @param port a TCP port, 1-65535 (0: any free port, for tests)
     * @throws IOException the port is taken or cannot be bound
     */
    MetricsEndpoint(int port, Supplier<String> metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", exchange -> answer(exchange, metrics));
        thread = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "client-proxy-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.start();
    }

    /** The bound port (the one asked for, or the one chosen for 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Supplier<String> metrics) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!isLoopback(exchange.getRequestHeaders().getFirst("Host"))) {
                exchange.sendResponseHeaders(403, -1);
            } else if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                exchange.sendResponseHeaders(404, -1);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
            } else {
                byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", MetricsText.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : body.length);
                if (!method.equals("HEAD")) {
                    exchange.getResponseBody().write(body);
                }
            }
        }
    }

    /** {@code 127.0.0.1:9464}, {@code localhost}, {@code [::1]:9464}: names of this host only. */
    private static boolean isLoopback(String host) {
        if (host == null) {
            return true; // HTTP/1.0 has no Host header; a browser always sends one
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equalsIgnoreCase("localhost") || name.startsWith("127.") || name.equals("[::1]");
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
