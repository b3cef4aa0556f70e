package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Jid;
import io.clientproxy.core.Outbox;
import io.clientproxy.core.Payload;
import io.clientproxy.core.ProxyCore;
import io.clientproxy.core.ProxySettings;
import io.clientproxy.core.StanzaError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StanzaDispatcherTest {
    @ParameterizedTest(name = "<priority>{0}</priority> -> {1}")
    @CsvSource({"5, 5", "' -7 ', -7", "127, 127", "128, 127", "-129, -128", "99999999999999999999, 127",
            "-99999999999999999999, -128", "high, 0", "'', 0", "1.5, 0"})
    void priorityIsClampedAndZeroWhenInvalid(String text, int expected) {
        XmlElement p = XmlElement.parse("<presence><priority>" + text + "</priority></presence>");
        assertEquals(expected, StanzaDispatcher.priority(p));
    }

    @Test
    void noPriorityIsZero() {
        assertEquals(0, StanzaDispatcher.priority(XmlElement.parse("<presence><show>away</show></presence>")));
    }

    @Test
    void childNamespaceFollowsDefaultAndPrefixedDeclarations() {
        assertEquals("http://jabber.org/protocol/disco#info", StanzaDispatcher.childNamespace(XmlElement.parse(
                "<iq type='get' id='1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")));
        assertEquals("urn:p", StanzaDispatcher.childNamespace(XmlElement.parse(
                "<iq type='get' id='1' xmlns:d='urn:p'><d:query/></iq>")));
        assertEquals("urn:own", StanzaDispatcher.childNamespace(XmlElement.parse(
                "<iq type='get' id='1'>text<d:query xmlns:d='urn:own'/></iq>")));
        assertNull(StanzaDispatcher.childNamespace(XmlElement.parse("<iq type='get' id='1'/>")));
    }

    @Test
    void unparseableAddressesAreNull() {
        assertNull(StanzaDispatcher.jid(null));
        assertNull(StanzaDispatcher.jid("@example.com"));
        assertNull(StanzaDispatcher.jid("a@b/"));
        assertEquals(Jid.parse("alice@localhost/x"), StanzaDispatcher.jid("Alice@LOCALHOST/x"));
    }

    @Test
    void requestsAreIqGetAndSet() {
        assertTrue(StanzaDispatcher.isRequest(XmlElement.parse("<iq type='get'/>")));
        assertTrue(StanzaDispatcher.isRequest(XmlElement.parse("<iq type='set'/>")));
        assertFalse(StanzaDispatcher.isRequest(XmlElement.parse("<iq type='result'/>")));
        assertFalse(StanzaDispatcher.isRequest(XmlElement.parse("<message type='get'/>")));
    }

    /** A failure inside the core is counted, and the IQ request still gets an answer. */
    @Test
    void aFailureOnARequestIsAnsweredInternalServerError() {
        List<XmlElement> errors = new ArrayList<>();
        StandaloneCounters counters = new StandaloneCounters();
        Outbox<XmlElement> failingForwards = new Outbox<>() {
            @Override
            public void forward(XmlElement stanza, Jid from, Jid to) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void forwardRequest(XmlElement request, Jid from, Jid to, String id) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void forwardAnswer(XmlElement answer, XmlElement request, Jid from, Jid to) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void forwardToOneResource(XmlElement stanza, Jid from, Jid to) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void error(XmlElement stanza, Jid from, Jid to, StanzaError error) {
                errors.add(ElementOutbox.errorReply(stanza, from, to, error));
            }

            @Override
            public void presence(Jid from, Jid to, String type) {
            }

            @Override
            public void result(XmlElement request, Jid from, Jid to, Payload payload) {
            }

            @Override
            public void ping(Jid from, Jid to, String id) {
            }

            @Override
            public Payload childOf(XmlElement stanza) {
                return null;
            }
        };
        ProxyCore<XmlElement> core = new ProxyCore<>(
                ProxySettings.defaults(Jid.parse("bot@localhost")), Jid.parse("proxy.localhost"),
                failingForwards);
        StanzaDispatcher d = new StanzaDispatcher(core, failingForwards, counters, StanzaLimits.DEFAULTS);
        d.dispatch(XmlElement.parse("<presence from='bot@localhost/a' to='proxy.localhost'/>"));
        d.dispatch(XmlElement.parse("<iq type='get' id='x1' from='alice@localhost/r' to='proxy.localhost'><q xmlns='urn:x'/></iq>"));
        assertEquals(1, counters.get(StandaloneCounter.INTERNAL_ERRORS));
        assertEquals(1, errors.size());
        assertEquals("internal-server-error", errors.get(0).element("error").elements().get(0).name());
        assertEquals("alice@localhost/r", errors.get(0).attribute("to"));
        assertEquals("x1", errors.get(0).attribute("id"));
    }
}
