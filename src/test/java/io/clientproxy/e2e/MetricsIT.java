package io.clientproxy.e2e;

import static io.clientproxy.e2e.FeatureFixture.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.standalone.StandaloneProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/standalone.md "Metrics": with {@code metrics-port} set, the running proxy serves its figures
 * at {@code http://127.0.0.1:<port>/metrics}; after real requests through a real Prosody the text
 * counts them, names each bot resource, and passes {@code promtool check metrics} (Prometheus's
 * own linter, Debian's {@code prometheus} package).
 */
@Timeout(60)
@ExtendWith(FeatureFixture.DumpLogOnFailure.class)
class MetricsIT {
    static final String COMPONENT = "proxy.localhost";
    static final String TARGET = "bot@localhost";
    static final List<Object> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        FeatureFixture.startProsody(List.of(COMPONENT), "bot", "alice");
        for (String r : List.of("a", "b")) {
            closeables.add(FeatureFixture.bot("bot", r, 0));
        }
    }

    @AfterAll
    static void stop() {
        FeatureFixture.closeAll(closeables);
    }

    @Test
    void theRunningProxyServesItsFiguresAndPromtoolAcceptsThem() throws Exception {
        int port = new ServerFiles.FreePorts().next();
        StandaloneProxy proxy = FeatureFixture.startProxy(FeatureFixture.settings(COMPONENT, TARGET)
                .set("metrics-port", String.valueOf(port)), 2);
        XMPPTCPConnection alice = FeatureFixture.user("alice", "phone");
        closeables.add(alice);
        int requests = 7;
        for (int i = 0; i < requests; i++) {
            ask(alice, COMPONENT, "hello " + i);
        }

        HttpResponse<String> got = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, got.statusCode());
        String text = got.body();
        assertTrue(text.contains("\nclientproxy_requests_forwarded_total " + requests + "\n"), text);
        assertTrue(text.contains("\nclientproxy_replies_delivered_total " + requests + "\n"), text);
        assertTrue(text.contains("\nclientproxy_online_resources 2\n"), text);
        assertTrue(text.contains("\nclientproxy_connected 1\n"), text);
        assertTrue(text.contains("clientproxy_subscription{state=\"subscribed\"} 1\n"), text);
        assertTrue(text.contains("clientproxy_resource_state{resource=\"a\",state=\"serving\"} 1\n"), text);
        assertTrue(text.contains("clientproxy_resource_state{resource=\"b\",state=\"serving\"} 1\n"), text);
        // Resource health's figures: every request went to a or b and was answered there.
        long perResource = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("clientproxy_resource_results_total{")) {
                perResource += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertEquals(requests, perResource, text);

        Path file = Files.createTempFile("metrics", ".txt");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectInput(file.toFile()).redirectErrorStream(true).start();
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS), "promtool finished");
            String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, promtool.exitValue(), () -> "promtool check metrics: " + lint + "\n" + text);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
