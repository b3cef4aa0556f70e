package io.clientproxy.core;

import java.util.Locale;
import java.util.Objects;

/**
 * An XMPP address as the core sees it: a bare part ({@code local@domain} or {@code domain}) and an
 * optional resource. Adapters build these from their own JID types; the core only compares them.
 *
 * <p>Addresses are compared as the values they denote (RFC 7622): the local part and the domain
 * ignoring case, the resource exactly. The spelling is kept as given, because an answer must come
 * from exactly the address the sender wrote to: a server may hand over {@code Svc@proxy.example.com}
 * (Tigase keeps the local part's case) and the sender expects that spelling back. {@link #parse}
 * lower-cases the bare part (configuration); {@link #of} keeps what the server handed over (full
 * stringprep is the server's job).
 *
 * <p>Only the full string is kept: the JAT table holds two of these per sender (the sender and its
 * encoded address), and separate bare and resource strings would double what each costs. The
 * parts are cut out when asked for, so hot paths ask once.
 */
public final class Jid {
    private final String full;
    /** Index of the '/' before the resource, or -1 for a bare address. */
    private final int slash;
    private final int hash;

    private Jid(String full, int slash) {
        this.full = full;
        this.slash = slash;
        this.hash = hash(full, slash < 0 ? full.length() : slash);
    }

    /** {@link #hashCode()} of the address this string spells, without building it. */
    static int hashOf(String full) {
        int slash = full.indexOf('/');
        return hash(full, slash < 0 ? full.length() : slash);
    }

    /** The hash of the value: bare part case-folded as {@link String#equalsIgnoreCase} folds it, resource as is. */
    private static int hash(String full, int bareEnd) {
        int h = 0;
        for (int i = 0; i < full.length(); i++) {
            char c = full.charAt(i);
            if (i < bareEnd) {
                if (c < 128) {
                    if (c >= 'A' && c <= 'Z') {
                        c = (char) (c + ('a' - 'A'));
                    }
                } else {
                    c = Character.toLowerCase(Character.toUpperCase(c));
                }
            }
            h = 31 * h + c;
        }
        return h;
    }

    /** Builds an address from parts that are already normalised (as a server hands them over). */
    public static Jid of(String bare, String resource) {
        Objects.requireNonNull(bare, "bare");
        return resource == null || resource.isEmpty() ? new Jid(bare, -1) : new Jid(bare + '/' + resource, bare.length());
    }

    /**
     * Parses {@code [local@]domain[/resource]}. The resource is everything after the first '/',
     * so it may itself contain '/' and '@'.
     *
     * @throws IllegalArgumentException if the domain or a present local part or resource is empty
     */
    public static Jid parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        int bareEnd = slash < 0 ? text.length() : slash;
        int at = text.lastIndexOf('@', bareEnd - 1);
        if (at >= 0 && text.indexOf('@') != at) {
            throw new IllegalArgumentException("not a JID (bad domain): '" + text + "'");
        }
        if (at + 1 == bareEnd) {
            throw new IllegalArgumentException("not a JID (bad domain): '" + text + "'");
        }
        if (at == 0) {
            throw new IllegalArgumentException("not a JID (empty local part): '" + text + "'");
        }
        if (slash == text.length() - 1) {
            throw new IllegalArgumentException("not a JID (empty resource): '" + text + "'");
        }
        String bare = text.substring(0, bareEnd);
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.equals(bare)) {
            return new Jid(text, slash);
        }
        return new Jid(slash < 0 ? lower : lower + text.substring(slash), slash < 0 ? -1 : lower.length());
    }

    public String bare() {
        return slash < 0 ? full : full.substring(0, slash);
    }

    /** The resource, or null for a bare address. */
    public String resource() {
        return slash < 0 ? null : full.substring(slash + 1);
    }

    public boolean isBare() {
        return slash < 0;
    }

    public Jid asBare() {
        return slash < 0 ? this : new Jid(full.substring(0, slash), -1);
    }

    public Jid withResource(String resource) {
        return of(bare(), resource);
    }

    /** The domain part. */
    public String domain() {
        int end = slash < 0 ? full.length() : slash;
        int at = full.lastIndexOf('@', end - 1);
        return full.substring(at + 1, end);
    }

    /** The local part, or null when there is none. */
    public String local() {
        int end = slash < 0 ? full.length() : slash;
        int at = full.lastIndexOf('@', end - 1);
        return at < 0 ? null : full.substring(0, at);
    }

    /** Whether the bare part is {@code otherBare}, ignoring case as {@link #equals} does. */
    public boolean hasBare(String otherBare) {
        int end = slash < 0 ? full.length() : slash;
        // Exact spelling first: the usual case, and String's own comparison is the fast one.
        return end == otherBare.length()
                && (full.startsWith(otherBare) || full.regionMatches(true, 0, otherBare, 0, end));
    }

    /**
     * Whether the resource is {@code candidate}, comparing every character whatever the first
     * difference: the resource of an encoded address is a secret token, and the time a comparison
     * takes must not tell a guesser how much of it was right.
     */
    boolean resourceMatches(String candidate) {
        int start = slash + 1;
        if (slash < 0 || full.length() - start != candidate.length()) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < candidate.length(); i++) {
            diff |= full.charAt(start + i) ^ candidate.charAt(i);
        }
        return diff == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Jid other) || hash != other.hash || slash != other.slash
                || full.length() != other.full.length()) {
            return false;
        }
        if (full.equals(other.full)) {
            // The same spelling: the usual case, and String's own comparison is the fast one.
            return true;
        }
        int bareEnd = slash < 0 ? full.length() : slash;
        return full.regionMatches(true, 0, other.full, 0, bareEnd)
                && full.regionMatches(bareEnd, other.full, bareEnd, full.length() - bareEnd);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return full;
    }
}
