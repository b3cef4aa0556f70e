package io.clientproxy.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the service ({@code allowed-senders}): entries are domains ({@code example.com}:
 * every address there), bare JIDs (every resource of an account) or full JIDs. No entries: everyone.
 */
public final class SenderFilter {
    private final Set<String> domains = new HashSet<>();
    private final Set<Jid> bareJids = new HashSet<>();
    private final Set<Jid> fullJids = new HashSet<>();

    private SenderFilter(List<Jid> entries) {
        for (Jid e : entries) {
            if (!e.isBare()) {
                fullJids.add(e);
            } else if (e.local() == null) {
                domains.add(e.domain());
            } else {
                bareJids.add(e);
            }
        }
    }

    /**
     * Parses the entries, naming the option in the error.
     *
     * @throws InvalidSettingException for an entry that is not a JID or domain
     */
    public static SenderFilter parse(List<String> entries) {
        return parse(ProxySettings.ALLOWED_SENDERS, entries);
    }

    /** Parses entries of the option {@code key} (also used for the standalone {@code admins}). */
    public static SenderFilter parse(String key, List<String> entries) {
        List<Jid> parsed = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            try {
                parsed.add(Jid.parse(entry.trim()));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(key, entry, "not a domain or JID");
            }
        }
        return new SenderFilter(parsed);
    }

    public boolean allowsEveryone() {
        return domains.isEmpty() && bareJids.isEmpty() && fullJids.isEmpty();
    }

    /** Whether an entry names this address (false when there are no entries). */
    public boolean lists(Jid jid) {
        return !allowsEveryone() && allows(jid);
    }

    public boolean allows(Jid sender) {
        return allowsEveryone()
                || domains.contains(sender.domain().toLowerCase(Locale.ROOT))
                || bareJids.contains(sender.asBare())
                || fullJids.contains(sender);
    }
}
