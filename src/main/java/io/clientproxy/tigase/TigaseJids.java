package io.clientproxy.tigase;

import io.clientproxy.core.Jid;
import java.util.Locale;
import tigase.xmpp.jid.JID;

/** Translation between Tigase's JID and the core's address type. */
final class TigaseJids {
    private TigaseJids() {
    }

    static Jid toCore(JID jid) {
        // Tigase keeps the local part's case and compares it ignoring case; the core compares strings.
        return jid == null ? null : Jid.of(jid.getBareJID().toString().toLowerCase(Locale.ROOT), jid.getResource());
    }

    static JID toTigase(Jid jid) {
        // The core only hands back addresses that came from Tigase or from validated settings: no stringprep again.
        return JID.jidInstanceNS(jid.local(), jid.domain(), jid.resource());
    }
}
