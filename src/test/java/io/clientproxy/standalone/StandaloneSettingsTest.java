package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Balancer;
import io.clientproxy.core.DiscoMode;
import io.clientproxy.core.InvalidSettingException;
import io.clientproxy.core.JatMode;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxySettings;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StandaloneSettingsTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("target-address", "bot@example.com");
        m.put("component-domain", "proxy.example.com");
        m.put("component-secret", "s3cret");
        return m;
    }

    private static InvalidSettingException invalid(String key, String value) {
        Map<String, String> m = minimal();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return assertThrows(InvalidSettingException.class, () -> StandaloneSettings.parse(m), key + "=" + value);
    }

    @Test
    void defaults() {
        StandaloneSettings s = StandaloneSettings.parse(minimal());
        assertEquals("127.0.0.1", s.serverHost());
        assertEquals(5347, s.serverPort());
        assertEquals(Jid.parse("proxy.example.com"), s.componentDomain());
        assertEquals(Jid.parse("proxy.example.com"), s.proxyAddress(), "proxy-address defaults to the component-domain");
        assertEquals("s3cret", s.componentSecret());
        assertEquals(Duration.ofSeconds(1), s.reconnectMin());
        assertEquals(Duration.ofSeconds(60), s.reconnectMax());
        assertEquals(Duration.ofSeconds(60), s.statsInterval());
        ProxySettings p = s.proxy();
        assertEquals(Jid.parse("bot@example.com"), p.target());
        assertEquals(Duration.ofSeconds(30), p.requestTimeout());
        assertEquals(JatMode.OPAQUE, p.jatMode());
        assertEquals(100_000, p.maxPending());
        assertEquals(1_000, p.maxPendingPerSender());
        assertEquals(Duration.ofMinutes(10), p.jatIdleTimeout());
        assertEquals(100_000, p.maxMappings());
        assertEquals(Duration.ofSeconds(30), p.resubscribeMin());
        assertEquals(Duration.ofHours(1), p.resubscribeMax());
        assertEquals(ProxySettings.DEFAULT_BALANCER, p.balancer());
        assertTrue(p.allowedSenders().allowsEveryone());
        assertEquals(ProxySettings.DEFAULT_DISCO, p.disco());
        assertFalse(p.outboundRequests());
        assertFalse(p.messages());
    }

    @Test
    void everyOptionIsRead() {
        Map<String, String> m = minimal();
        m.put("server-host", " xmpp.example.com ");
        m.put("server-port", "5275");
        m.put("reconnect-min", "PT0.5S");
        m.put("reconnect-max", "PT2M");
        m.put("stats-interval", "PT0S");
        m.put("request-timeout", "PT5S");
        m.put("jat-mode", "transparent");
        m.put("max-pending", "10");
        m.put("max-pending-per-sender", "2");
        m.put("jat-idle-timeout", "PT1M");
        m.put("max-mappings", "7");
        m.put("resubscribe-min", "PT1S");
        m.put("resubscribe-max", "PT2S");
        m.put("balancer", "round-robin");
        m.put("allowed-senders", "example.com, alice@example.net  bob@example.org/phone");
        m.put("rate-limit", "2.5");
        m.put("rate-burst", "4");
        m.put("disco", "local");
        m.put("disco-name", "Echo service");
        m.put("disco-features", "urn:example:echo,urn:example:other");
        m.put("outbound-requests", "true");
        m.put("messages", "true");
        m.put("proxy-address", "svc@proxy.example.com");
        StandaloneSettings s = StandaloneSettings.parse(m);
        assertEquals(Jid.parse("svc@proxy.example.com"), s.proxyAddress());
        assertEquals(Jid.parse("proxy.example.com"), s.componentDomain());
        assertEquals("xmpp.example.com", s.serverHost());
        assertEquals(5275, s.serverPort());
        assertEquals(Duration.ofMillis(500), s.reconnectMin());
        assertEquals(Duration.ofMinutes(2), s.reconnectMax());
        assertEquals(Duration.ZERO, s.statsInterval());
        ProxySettings p = s.proxy();
        assertEquals(Duration.ofSeconds(5), p.requestTimeout());
        assertEquals(JatMode.TRANSPARENT, p.jatMode());
        assertEquals(10, p.maxPending());
        assertEquals(2, p.maxPendingPerSender());
        assertEquals(Duration.ofMinutes(1), p.jatIdleTimeout());
        assertEquals(7, p.maxMappings());
        assertEquals(Duration.ofSeconds(2), p.resubscribeMax());
        assertEquals(Balancer.Policy.ROUND_ROBIN, p.balancer());
        assertTrue(p.allowedSenders().allows(Jid.parse("carol@example.com/x")));
        assertTrue(p.allowedSenders().allows(Jid.parse("alice@example.net/y")));
        assertTrue(p.allowedSenders().allows(Jid.parse("bob@example.org/phone")));
        assertFalse(p.allowedSenders().allows(Jid.parse("bob@example.org/desk")));
        assertEquals(2.5, p.rateLimit());
        assertEquals(4, p.rateBurst());
        assertEquals(DiscoMode.LOCAL, p.disco());
        assertEquals("Echo service", p.discoInfo().name());
        assertTrue(p.discoInfo().features().contains("urn:example:other"));
        assertTrue(p.outboundRequests());
        assertTrue(p.messages());
    }

    /** Each bad value is reported with its own key and the value as written. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(nullValues = "NULL", value = {
            "target-address, NULL",
            "target-address, not a jid@",
            "target-address, example.com",
            "target-address, bot@example.com/res",
            "component-domain, NULL",
            "component-domain, ''",
            "component-domain, a@proxy.example.com",
            "component-domain, proxy.example.com/r",
            "component-secret, NULL",
            "component-secret, '   '",
            "server-host, ''",
            "server-host, bad host",
            "server-port, 0",
            "server-port, 65536",
            "server-port, http",
            "reconnect-min, PT0S",
            "reconnect-min, 1s",
            "reconnect-max, -PT1S",
            "stats-interval, -PT1S",
            "stats-interval, often",
            "request-timeout, 30",
            "request-timeout, PT0S",
            "jat-mode, secret",
            "max-pending, 0",
            "max-pending, many",
            "max-pending-per-sender, -1",
            "jat-idle-timeout, PT-1S",
            "max-mappings, 1.5",
            "resubscribe-min, x",
            "balancer, fastest",
            "allowed-senders, '@'",
            "rate-limit, -1",
            "rate-limit, fast",
            "rate-burst, 0",
            "disco, maybe",
            "disco-category, ''",
            "outbound-requests, yes",
            "messages, 1",
            "proxy-address, proxy.example.com/r",
            "proxy-address, a@b@c",
            "proxy-address, other.example.com",
            "proxy-address, svc@other.example.com",
    })
    void badValueNamesItsKey(String key, String value) {
        InvalidSettingException e = invalid(key, value);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid value for '" + key + "'"), e.getMessage());
        if (value != null && !value.isBlank()) {
            assertTrue(e.getMessage().contains(value.trim()), e.getMessage());
        }
    }

    @Test
    void maximaMustNotBeBelowMinima() {
        Map<String, String> m = minimal();
        m.put("reconnect-min", "PT10S");
        m.put("reconnect-max", "PT5S");
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> StandaloneSettings.parse(m));
        assertEquals("reconnect-max", e.key());
        assertTrue(e.getMessage().contains("reconnect-min"), e.getMessage());
    }

    @Test
    void unknownKeyIsAnErrorNamingIt() {
        Map<String, String> m = minimal();
        m.put("request-timout", "PT5S");
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> StandaloneSettings.parse(m));
        assertEquals("request-timout", e.key());
        assertTrue(e.getMessage().contains("unknown option"), e.getMessage());
    }

    @Test
    void theSecretIsNeverPrinted() {
        StandaloneSettings s = StandaloneSettings.parse(minimal());
        assertFalse(s.toString().contains("s3cret"), s.toString());
        assertTrue(s.toString().contains("proxy.example.com"), s.toString());
    }

    @Test
    void builderAppliesTheSameRules() {
        StandaloneSettings s = StandaloneSettings.builder()
                .server("127.0.0.1", 1234)
                .component("proxy.localhost", "pw")
                .target("bot@localhost")
                .jatMode(JatMode.TRANSPARENT)
                .requestTimeout(Duration.ofSeconds(3))
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .statsInterval(Duration.ZERO)
                .build();
        assertEquals(1234, s.serverPort());
        assertEquals(JatMode.TRANSPARENT, s.proxy().jatMode());
        assertEquals(Duration.ofMillis(100), s.reconnectMin());
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> StandaloneSettings.builder().component("proxy.localhost", "pw").target("bot@localhost")
                        .set("max-pending", "lots").build());
        assertEquals("max-pending", e.key());
    }

    @Test
    void theSampleConfigurationIsValidAndMeansTheDefaults() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("etc/proxy.conf"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        StandaloneSettings sample = StandaloneSettings.fromProperties(p);
        Map<String, String> same = minimal();
        same.put("target-address", p.getProperty("target-address"));
        same.put("component-domain", p.getProperty("component-domain"));
        same.put("component-secret", p.getProperty("component-secret"));
        StandaloneSettings defaults = StandaloneSettings.parse(same);
        assertEquals(defaults.toString(), sample.toString());
        assertEquals(defaults.proxy().maxPending(), sample.proxy().maxPending());
        assertEquals(defaults.proxy().discoInfo(), sample.proxy().discoInfo());
        // That it lists every option with its default: io.clientproxy.OptionListsTest.
    }

    /** Embedding code may build the record itself: a duration that would stop the proxy working is refused there too. */
    @Test
    void theRecordItselfRefusesDurationsThatAreNotPositive() {
        StandaloneSettings ok = StandaloneSettings.builder().server("127.0.0.1", 5347).component("proxy.localhost", "pw")
                .target("bot@localhost").build();
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> new StandaloneSettings(ok.proxy(),
                ok.serverHost(), ok.serverPort(), ok.componentDomain(), ok.proxyAddress(), ok.componentSecret(),
                java.time.Duration.ZERO, ok.reconnectMax(), ok.statsInterval(), ok.admins(), ok.limits(),
                ok.keepaliveInterval(), ok.readTimeout(), ok.writeTimeout(), ok.metricsPort()));
        assertTrue(e.getMessage().contains("reconnect-min"), e.getMessage());
        e = assertThrows(InvalidSettingException.class, () -> new StandaloneSettings(ok.proxy(),
                ok.serverHost(), ok.serverPort(), ok.componentDomain(), ok.proxyAddress(), ok.componentSecret(),
                ok.reconnectMin(), ok.reconnectMax(), null, ok.admins(), ok.limits(),
                ok.keepaliveInterval(), ok.readTimeout(), ok.writeTimeout(), ok.metricsPort()));
        assertTrue(e.getMessage().contains("stats-interval"), e.getMessage());
    }
}
