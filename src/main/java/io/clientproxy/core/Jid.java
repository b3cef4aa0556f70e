package io.clientproxy.core;

import java.util.Locale;
import java.util.Objects;

/**
 * An XMPP address as the core sees it: a bare part ({@code local@domain} or {@code domain}) and an
 * optional resource. Adapters build these from their own JID types; the core only compares them.
 *
 * <p>Equality is on the full string. Local part and domain are lower-cased when parsed, which is
 * what servers do for the addresses they route (full stringprep is the server's job).
 */
public final class Jid {
    private final String bare;
    private final String resource;
    private final String full;
    private final int hash;

    private Jid(String bare, String resource) {
        this.bare = bare;
        this.resource = resource;
        this.full = resource == null ? bare : bare + '/' + resource;
        this.hash = full.hashCode();
    }

    /** Builds an address from parts that are already normalised (as a server hands them over). */
    public static Jid of(String bare, String resource) {
        Objects.requireNonNull(bare, "bare");
        return new Jid(bare, resource == null || resource.isEmpty() ? null : resource);
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
        String bareText = slash < 0 ? text : text.substring(0, slash);
        String resource = slash < 0 ? null : text.substring(slash + 1);
        int at = bareText.indexOf('@');
        String local = at < 0 ? null : bareText.substring(0, at);
        String domain = at < 0 ? bareText : bareText.substring(at + 1);
        if (domain.isEmpty() || domain.indexOf('@') >= 0) {
            throw new IllegalArgumentException("not a JID (bad domain): '" + text + "'");
        }
        if (local != null && local.isEmpty()) {
            throw new IllegalArgumentException("not a JID (empty local part): '" + text + "'");
        }
        if (resource != null && resource.isEmpty()) {
            throw new IllegalArgumentException("not a JID (empty resource): '" + text + "'");
        }
        String bare = (local == null ? "" : local.toLowerCase(Locale.ROOT) + '@') + domain.toLowerCase(Locale.ROOT);
        return new Jid(bare, resource);
    }

    public String bare() {
        return bare;
    }

    /** The resource, or null for a bare address. */
    public String resource() {
        return resource;
    }

    public boolean isBare() {
        return resource == null;
    }

    public Jid asBare() {
        return resource == null ? this : new Jid(bare, null);
    }

    public Jid withResource(String resource) {
        return new Jid(bare, resource);
    }

    /** The domain part. */
    public String domain() {
        int at = bare.indexOf('@');
        return at < 0 ? bare : bare.substring(at + 1);
    }

    /** The local part, or null when there is none. */
    public String local() {
        int at = bare.indexOf('@');
        return at < 0 ? null : bare.substring(0, at);
    }

    public boolean hasBare(String otherBare) {
        return bare.equals(otherBare);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Jid other && hash == other.hash && full.equals(other.full);
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
