package tigase.xmpp;

import java.util.HashSet;
import java.util.Set;

/**
 * Compile-time declaration of {@code tigase.xmpp.StanzaType} (tigase-server 8.4.0): the value of
 * a stanza's {@code type} attribute. {@link #valueof(String)} maps an unknown string to
 * {@code null} instead of throwing (it is case-sensitive, and still throws for {@code null}).
 */
public enum StanzaType {

	error,
	get, set, result,
	available, unavailable, probe, subscribe,
	subscribed, unsubscribe, unsubscribed,
	chat, groupchat, headline, normal,
	valid, invalid,
	terminate,
	invisible;

	private static Set<StanzaType> subTypes;

	public static StanzaType valueof(String cmd) {
		try {
			return StanzaType.valueOf(cmd);
		} catch (IllegalArgumentException e) {
			return null;
		}
	}

	/** subscribe, subscribed, unsubscribe and unsubscribed. */
	public static Set<StanzaType> getSubsTypes() {
		if (subTypes == null) {
			Set<StanzaType> tmp = new HashSet<>();
			tmp.add(subscribe);
			tmp.add(subscribed);
			tmp.add(unsubscribe);
			tmp.add(unsubscribed);
			subTypes = tmp;
		}
		return subTypes;
	}
}
