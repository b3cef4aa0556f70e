package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.core.Condition;
import io.clientproxy.core.ErrorType;
import io.clientproxy.core.Jid;
import io.clientproxy.core.Payload;
import io.clientproxy.core.StanzaError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElementOutboxTest {
    private final List<XmlElement> sent = new ArrayList<>();
    private boolean up = true;
    private final StandaloneCounters counters = new StandaloneCounters();
    private final ElementOutbox outbox = new ElementOutbox(e -> up && sent.add(e), 2, counters);

    private static final XmlElement REQUEST = XmlElement.parse("<iq type='get' id='42' from='alice@localhost/r'"
            + " to='proxy.localhost' xml:lang='en'><q:query xmlns:q='urn:x'>a<b/></q:query></iq>");

    @Test
    void forwardReplacesOnlyTheAddresses() {
        outbox.forward(REQUEST, Jid.parse("proxy.localhost/tok"), Jid.parse("bot@localhost/a"));
        assertEquals("<iq type=\"get\" id=\"42\" from=\"proxy.localhost/tok\" to=\"bot@localhost/a\" xml:lang=\"en\">"
                + "<q:query xmlns:q=\"urn:x\">a<b/></q:query></iq>", sent.get(0).toXml());
    }

    @Test
    void aMessageForOneResourceCarriesTheNoCopyHintsOnce() {
        XmlElement plain = XmlElement.parse("<message type='chat' id='m1' from='alice@localhost/r' to='proxy.localhost'>"
                + "<body>hi</body></message>");
        outbox.forwardToOneResource(plain, Jid.parse("proxy.localhost/tok"), Jid.parse("bot@localhost/a"));
        assertEquals("<message type=\"chat\" id=\"m1\" from=\"proxy.localhost/tok\" to=\"bot@localhost/a\"><body>hi</body>"
                + "<private xmlns=\"urn:xmpp:carbons:2\"/><no-copy xmlns=\"urn:xmpp:hints\"/></message>", sent.get(0).toXml());
        // The sender's own hints (any prefix) are kept, not doubled.
        XmlElement hinted = XmlElement.parse("<message type='chat' from='alice@localhost/r' to='proxy.localhost'>"
                + "<c:private xmlns:c='urn:xmpp:carbons:2'/><no-copy xmlns='urn:xmpp:hints'/><body>hi</body></message>");
        outbox.forwardToOneResource(hinted, Jid.parse("proxy.localhost/tok"), Jid.parse("bot@localhost/a"));
        assertEquals("<message type=\"chat\" from=\"proxy.localhost/tok\" to=\"bot@localhost/a\">"
                + "<c:private xmlns:c=\"urn:xmpp:carbons:2\"/><no-copy xmlns=\"urn:xmpp:hints\"/><body>hi</body></message>",
                sent.get(1).toXml());
        // A no-copy in another namespace is not the hint.
        XmlElement other = XmlElement.parse("<message from='alice@localhost/r' to='proxy.localhost'><no-copy xmlns='urn:x'/></message>");
        outbox.forwardToOneResource(other, Jid.parse("proxy.localhost/tok"), Jid.parse("bot@localhost/a"));
        assertEquals("<message from=\"proxy.localhost/tok\" to=\"bot@localhost/a\"><no-copy xmlns=\"urn:x\"/>"
                + "<private xmlns=\"urn:xmpp:carbons:2\"/><no-copy xmlns=\"urn:xmpp:hints\"/></message>", sent.get(2).toXml());
    }

    @Test
    void errorHasTheDefinedShape() {
        outbox.error(REQUEST, Jid.parse("proxy.localhost"), Jid.parse("alice@localhost/r"),
                new StanzaError(Condition.SERVICE_UNAVAILABLE, ErrorType.WAIT, "no <one> & nobody"));
        assertEquals("<iq id=\"42\" type=\"error\" from=\"proxy.localhost\" to=\"alice@localhost/r\">"
                + "<error type=\"wait\"><service-unavailable xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>"
                + "<text xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\" xml:lang=\"en\">no &lt;one&gt; &amp; nobody</text>"
                + "</error></iq>", sent.get(0).toXml());
    }

    @Test
    void presenceIsBare() {
        outbox.presence(Jid.parse("proxy.localhost"), Jid.parse("bot@localhost"), "probe");
        outbox.presence(Jid.parse("proxy.localhost"), Jid.parse("bot@localhost/a"), null);
        assertEquals("<presence from=\"proxy.localhost\" to=\"bot@localhost\" type=\"probe\"/>", sent.get(0).toXml());
        assertEquals("<presence from=\"proxy.localhost\" to=\"bot@localhost/a\"/>", sent.get(1).toXml());
    }

    @Test
    void resultCarriesThePayloadAndChildOfReadsIt() {
        Payload asked = outbox.childOf(REQUEST);
        assertEquals("query", asked.name());
        assertEquals("urn:x", asked.namespace());
        assertEquals("a", asked.text());
        assertEquals("b", asked.children().get(0).name());
        outbox.result(REQUEST, Jid.parse("proxy.localhost"), Jid.parse("alice@localhost/r"),
                Payload.of("query", "http://jabber.org/protocol/disco#info")
                        .add(Payload.of("identity", null).attr("category", "component").attr("name", "A & B")));
        assertEquals("<iq id=\"42\" type=\"result\" from=\"proxy.localhost\" to=\"alice@localhost/r\">"
                + "<query xmlns=\"http://jabber.org/protocol/disco#info\"><identity category=\"component\" name=\"A &amp; B\"/>"
                + "</query></iq>", sent.get(0).toXml());
    }

    @Test
    void answersThatCannotBeSentAreHeldOtherStanzasCounted() {
        up = false;
        outbox.error(REQUEST, Jid.parse("proxy.localhost"), Jid.parse("alice@localhost/r"),
                StanzaError.of(Condition.REMOTE_SERVER_TIMEOUT, "late"));
        outbox.forward(XmlElement.parse("<iq type='result' id='7'/>"), Jid.parse("proxy.localhost"), Jid.parse("alice@localhost/r"));
        outbox.forward(REQUEST, Jid.parse("proxy.localhost/t"), Jid.parse("bot@localhost/a"));
        outbox.presence(Jid.parse("proxy.localhost"), Jid.parse("bot@localhost"), "subscribe");
        assertEquals(2, outbox.owedCount());
        assertEquals(2, counters.get(StandaloneCounter.SEND_FAILURES));

        outbox.error(REQUEST, Jid.parse("proxy.localhost"), Jid.parse("alice@localhost/r"),
                StanzaError.of(Condition.REMOTE_SERVER_TIMEOUT, "one too many"));
        assertEquals(1, counters.get(StandaloneCounter.LOST_REQUESTS), "the backlog is bounded");

        up = true;
        assertEquals(2, outbox.sendOwed());
        assertEquals("42", sent.get(0).attribute("id"));
        assertEquals("7", sent.get(1).attribute("id"));
        assertTrue(outbox.owedCount() == 0);
    }
}
