package example.hellobot;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.UnparsedIQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * An {@link XMPPTCPConnection} whose automatic answer to a request it cannot parse is well-formed
 * XML. Use it in place of {@code XMPPTCPConnection} in any Smack 4.4 bot behind the proxy.
 *
 * <p>Why: Smack 4.4.8 (the newest 4.4 release) answers a get or set that no
 * {@code IQRequestHandler} takes with {@code feature-not-implemented} (RFC 6120 8.3.3.3), and
 * copies the request's child element into that error. A request of a namespace Smack has no
 * provider for arrives as an {@link UnparsedIQ} (a ping or disco#info without smack-extensions, any
 * namespace of your users' choosing), and Smack writes its copy without closing the start tag:
 * {@code <ping xmlns='urn:xmpp:ping'&lt;ping ...&gt;</ping>}. The server reads invalid XML and
 * closes the bot's stream ({@code not-well-formed}); the process keeps running, offline, and the
 * proxy answers every later request {@code service-unavailable}.
 *
 * <p>Here such a request reaches Smack's handlers, listeners and collectors as an
 * {@code UnparsedIQ} with the same addresses, id, type, element, namespace and content, which writes
 * no child: the error answer then carries only the {@code <error/>}, which RFC 6120 8.3.1 allows.
 * Requests that Smack parsed (a provider exists) are handed on unchanged.
 */
public final class WellFormedErrorsConnection extends XMPPTCPConnection {
    public WellFormedErrorsConnection(XMPPTCPConnectionConfiguration config) {
        super(config);
    }

    @Override
    protected void invokeStanzaCollectorsAndNotifyRecvListeners(Stanza stanza) {
        if (stanza instanceof UnparsedIQ unparsed && unparsed.isRequestIQ()) {
            stanza = new UncopiedIq(unparsed);
        }
        super.invokeStanzaCollectorsAndNotifyRecvListeners(stanza);
    }

    /** The same request, but an error built from it ({@code IQ.createErrorResponse}) copies no child. */
    private static final class UncopiedIq extends UnparsedIQ {
        UncopiedIq(UnparsedIQ request) {
            super(request.getChildElementName(), request.getChildElementNamespace(), request.getContent());
            setStanzaId(request.getStanzaId());
            setType(request.getType());
            setFrom(request.getFrom());
            setTo(request.getTo());
            addExtensions(request.getExtensions());
        }

        @Override
        protected IQ.IQChildElementXmlStringBuilder getIQChildElementBuilder(IQ.IQChildElementXmlStringBuilder xml) {
            return null; // no child element at all (IQ.toXML writes none for null)
        }
    }
}
