package io.clientproxy.tigase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.InvalidSettingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tigase.server.Packet;

/** Every option is validated when Tigase initialises the bean, with the key and value in the log. */
class ComponentConfigurationTest {
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger logger = Logger.getLogger(ClientProxyComponent.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    private String severe() {
        return logged.stream().filter(r -> r.getLevel() == Level.SEVERE).map(LogRecord::getMessage)
                .findFirst().orElseThrow(() -> new AssertionError("nothing logged at SEVERE"));
    }

    @Test
    void targetAddressIsRequired() {
        ComponentHarness h = new ComponentHarness(Map.of());
        InvalidSettingException e = assertThrows(InvalidSettingException.class, h.component::initialize);
        assertEquals("target-address", e.key());
        assertTrue(severe().contains("'target-address'"), severe());
    }

    @ParameterizedTest
    @CsvSource({
            "target-address, bot@example.com/res",
            "target-address, example.com",
            "jat-mode, secret",
            "proxy-address, proxy.example.com/x",
    })
    void badStringValuesAreRefusedNamingKeyAndValue(String key, String value) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("target-address", "bot@example.com"));
        config.put(key, value);
        ComponentHarness h = new ComponentHarness(config);
        InvalidSettingException e = assertThrows(InvalidSettingException.class, h.component::initialize);
        assertEquals(key, e.key());
        assertTrue(severe().contains("'" + key + "'") && severe().contains(value), severe());
    }

    @Test
    void badNumbersAndDurationsAreRefused() {
        for (Map.Entry<String, Object> bad : List.of(
                Map.entry("request-timeout", (Object) Duration.ZERO),
                Map.entry("jat-idle-timeout", (Object) Duration.ofSeconds(-1)),
                Map.entry("max-pending", (Object) 0),
                Map.entry("max-pending-per-sender", (Object) (-5)),
                Map.entry("max-mappings", (Object) 0))) {
            ComponentHarness h = new ComponentHarness(Map.of("target-address", "bot@example.com", bad.getKey(), bad.getValue()));
            InvalidSettingException e = assertThrows(InvalidSettingException.class, h.component::initialize);
            assertEquals(bad.getKey(), e.key());
        }
    }

    @Test
    void proxyAddressChangesTheAddressTowardTheTarget() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", "bot@example.com",
                "proxy-address", "svc.example.net"));
        h.component.stop();
        h = new ComponentHarness(Map.of("target-address", "bot@example.com", "proxy-address", "svc.example.net"));
        h.component.initialize();
        h.component.start();
        Packet sub = h.one();
        assertEquals("svc.example.net", ComponentHarness.attr(sub, "from"));
    }

    @Test
    void accessControlOptionsReachTheCore() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", "bot@example.com",
                "allowed-senders", List.of("example.org"), "rate-limit", 1, "rate-burst", 1,
                "balancer", "round-robin"));
        h.online("a", 0);
        h.receive(ComponentHarness.iq(ComponentHarness.ALICE, ComponentHarness.COMPONENT, "1", "get",
                ComponentHarness.query("urn:example:echo")));
        Packet denied = h.one();
        assertEquals("auth", denied.getElement().getChild("error").getAttributeStaticStr("type"));
        assertTrue(denied.getElement().getChild("error").getChild("forbidden", io.clientproxy.core.Condition.STANZAS_NS) != null);
        h.receive(ComponentHarness.iq(ComponentHarness.BOB, ComponentHarness.COMPONENT, "1", "get",
                ComponentHarness.query("urn:example:echo")));
        assertEquals("bot@example.com/a", ComponentHarness.attr(h.one(), "to"));
        h.receive(ComponentHarness.iq(ComponentHarness.BOB, ComponentHarness.COMPONENT, "2", "get",
                ComponentHarness.query("urn:example:echo")));
        assertTrue(h.one().getElement().getChild("error").getChild("policy-violation", io.clientproxy.core.Condition.STANZAS_NS) != null);
    }

    @Test
    void badAccessControlValuesAreRefused() {
        for (Map.Entry<String, Object> bad : List.of(
                Map.entry("allowed-senders", (Object) List.of("@nope")),
                Map.entry("rate-limit", (Object) (-1)),
                Map.entry("rate-burst", (Object) 0),
                Map.entry("balancer", (Object) "fastest"))) {
            ComponentHarness h = new ComponentHarness(Map.of("target-address", "bot@example.com", bad.getKey(), bad.getValue()));
            InvalidSettingException e = assertThrows(InvalidSettingException.class, h.component::initialize);
            assertEquals(bad.getKey(), e.key());
        }
    }

    /**
     * Values as {@code config.tdsl} gives them to Tigase's converter: a duration as text, a list
     * for an array option ({@code [ 'a', 'b' ]}). A Java array would not do: Tigase's
     * {@code DefaultTypesConverter} takes it as its {@code toString()}, one element
     * {@code [Ljava.lang.String;@...} (seen with -Ptigase).
     */
    @Test
    void optionsArriveAsConfigTdslWritesThem() {
        ComponentHarness h = ComponentHarness.started(Map.of("target-address", "bot@example.com",
                "request-timeout", "PT3S", "allowed-senders", List.of("example.org", "carol@example.net")));
        assertEquals(Duration.ofSeconds(3), h.component.core().settings().requestTimeout());
        assertTrue(h.component.core().settings().allowedSenders().lists(io.clientproxy.core.Jid.parse("carol@example.net")));
        assertTrue(h.component.core().settings().allowedSenders().lists(io.clientproxy.core.Jid.parse("example.org")));
        ComponentHarness array = ComponentHarness.started(Map.of("target-address", "bot@example.com",
                "allowed-senders", new String[] {"example.org"}));
        assertFalse(array.component.core().settings().allowedSenders().lists(io.clientproxy.core.Jid.parse("example.org")),
                "a Java array is not read as the list it holds");
    }

    @Test
    void aRequestBeforeInitialisationIsAnsweredNotLost() {
        ComponentHarness h = new ComponentHarness(Map.of("target-address", "bot@example.com"));
        h.receive(ComponentHarness.iq(ComponentHarness.ALICE, ComponentHarness.COMPONENT, "early", "get",
                ComponentHarness.query("urn:example:echo")));
        Packet answer = h.one();
        assertEquals("error", ComponentHarness.attr(answer, "type"));
        assertEquals("early", ComponentHarness.attr(answer, "id"));
        assertEquals("wait", answer.getElement().getChild("error").getAttributeStaticStr("type"));
    }
}
