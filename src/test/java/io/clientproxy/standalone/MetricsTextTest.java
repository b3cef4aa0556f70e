package io.clientproxy.standalone;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exposition text and the loopback endpoint that serves it (promtool checks it in MetricsIT). */
class MetricsTextTest {
    private static Map<String, Long> statistics() {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("connected", 1L);
        s.put("pending", 3L);
        s.put("online-resources", 2L);
        s.put("requests-forwarded", 41L);
        s.put("errors-sent", 5L);
        s.put("errors/remote-server-timeout", 4L);
        s.put("errors/service-unavailable", 1L);
        s.put("dropped/not-pending", 7L);
        s.put("dropped/too-large", 2L);
        s.put("lost-requests", 0L);
        return s;
    }

    @Test
    void gaugesCountersAndLabelledFamilies() {
        String text = MetricsText.render(statistics(), "subscribed", List.of());
        assertTrue(text.contains("# TYPE clientproxy_pending gauge\nclientproxy_pending 3\n"), text);
        assertTrue(text.contains("# TYPE clientproxy_online_resources gauge\nclientproxy_online_resources 2\n"), text);
        assertTrue(text.contains("# TYPE clientproxy_requests_forwarded_total counter\nclientproxy_requests_forwarded_total 41\n"), text);
        assertTrue(text.contains("clientproxy_errors_sent_total{condition=\"remote-server-timeout\"} 4\n"), text);
        assertTrue(text.contains("clientproxy_errors_sent_total{condition=\"service-unavailable\"} 1\n"), text);
        assertTrue(text.contains("clientproxy_dropped_total{reason=\"not-pending\"} 7\n"), text);
        assertTrue(text.contains("clientproxy_dropped_total{reason=\"too-large\"} 2\n"), text);
        assertTrue(text.contains("clientproxy_subscription{state=\"subscribed\"} 1\n"), text);
        assertFalse(text.contains("clientproxy_errors_sent_total 5"), "the unlabelled sum would double-count: " + text);
        assertEquals(1, count(text, "# TYPE clientproxy_errors_sent_total "), "one family, one TYPE line");
    }

    @Test
    void resourcesWithStateCountsAndLatency() {
        var a = new MetricsText.Resource("a", "serving", Map.of("requests", 10L), Map.of(0.5, 12.0, 0.99, 250.0));
        var b = new MetricsText.Resource("b \"q\"", "out-of-rotation", Map.of("requests", 2L), Map.of());
        String text = MetricsText.render(statistics(), "subscribed", List.of(a, b));
        assertTrue(text.contains("clientproxy_resource_state{resource=\"a\",state=\"serving\"} 1\n"), text);
        assertTrue(text.contains("clientproxy_resource_state{resource=\"b \\\"q\\\"\",state=\"out-of-rotation\"} 1\n"), text);
        assertTrue(text.contains("clientproxy_resource_requests_total{resource=\"a\"} 10\n"), text);
        assertTrue(text.contains("clientproxy_resource_latency_seconds{resource=\"a\",quantile=\"0.5\"} 0.012\n"), text);
        assertTrue(text.contains("clientproxy_resource_latency_seconds{resource=\"a\",quantile=\"0.99\"} 0.25\n"), text);
    }

    @Test
    void servedOnLoopbackAtMetricsOnly() throws Exception {
        try (MetricsEndpoint endpoint = new MetricsEndpoint(0, () -> "clientproxy_pending 3\n")) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + endpoint.port());
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("clientproxy_pending 3\n", ok.body());
            assertEquals(MetricsText.CONTENT_TYPE, ok.headers().firstValue("Content-Type").orElse(""));
            assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(base.resolve("/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * A client that opens a connection and never finishes its request (a stalled scraper, or any
     * local process) must not keep the monitoring system from reading the figures.
     */
    @Test
    void aStalledClientDoesNotBlockScrapes() throws Exception {
        try (MetricsEndpoint endpoint = new MetricsEndpoint(0, () -> "clientproxy_pending 3\n");
             java.net.Socket stalled = new java.net.Socket("127.0.0.1", endpoint.port())) {
            stalled.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            Thread.sleep(200);
            HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                    .timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
        }
    }

    /** A web page that rebinds its DNS name to 127.0.0.1 sends its own name as Host: refused. */
    @Test
    void aRequestForAnotherHostIsRefused() throws Exception {
        try (MetricsEndpoint endpoint = new MetricsEndpoint(0, () -> "clientproxy_pending 3\n");
             java.net.Socket s = new java.net.Socket("127.0.0.1", endpoint.port())) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 403", status);
        }
    }
}
