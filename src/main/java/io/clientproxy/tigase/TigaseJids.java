package io.clientproxy.tigase;

import io.clientproxy.core.Jid;
import tigase.xmpp.jid.JID;

/** Translation between Tigase's JID and the core's address type. */
final class TigaseJids {
    private TigaseJids() {
    }

    static Jid toCore(JID jid) {
        // Tigase keeps the local part's case as the client wrote it; the core compares ignoring it,
        // and keeps the spelling so that answers come from exactly the address the sender used.
        return jid == null ? null : Jid.of(jid.getBareJID().toString(), jid.getResource());
    }

    static JID toTigase(Jid jid) {
        // The core only hands back addresses that came from Tigase or from validated settings: no stringprep again.
        return JID.jidInstanceNS(jid.local(), jid.domain(), jid.resource());
    }
}
