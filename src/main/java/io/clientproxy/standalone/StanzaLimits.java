package io.clientproxy.standalone;

import io.clientproxy.core.InvalidSettingException;

/**
 * The proxy's own bounds on one top-level element (stanza) of the component stream, checked by
 * {@link StanzaReader} (size on the raw bytes, as the parser is given them; the rest on the parsed
 * events). They hold per stanza: nothing is counted across stanzas, so no amount of traffic can
 * reach them, only one stanza can.
 *
 * @param maxBytes      the largest stanza, in bytes of UTF-8 from its {@code <} to its last {@code >}
 *                      (text and attribute values are bounded by this alone)
 * @param maxDepth      the deepest nesting of elements, the stanza itself being depth 1
 * @param maxAttributes the most attributes on one element ({@code xmlns} declarations included)
 * @param maxNameLength the longest element or attribute name (prefix included), in bytes of UTF-8
 */
public record StanzaLimits(int maxBytes, int maxDepth, int maxAttributes, int maxNameLength) {
    public static final String MAX_STANZA_SIZE = "max-stanza-size";
    public static final String MAX_STANZA_DEPTH = "max-stanza-depth";
    public static final String MAX_ATTRIBUTES = "max-attributes";
    public static final String MAX_NAME_LENGTH = "max-name-length";

    /**
     * 512 KiB: twice the stanza size Prosody and ejabberd accept from clients by default (256 KiB),
     * so that whatever a client may send still fits after the server has added its addresses.
     */
    public static final int DEFAULT_MAX_BYTES = 512 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 64;
    public static final int DEFAULT_MAX_ATTRIBUTES = 64;
    public static final int DEFAULT_MAX_NAME_LENGTH = 256;

    public static final StanzaLimits DEFAULTS = new StanzaLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_NAME_LENGTH);

    /** No limit at all: for trusted input (tests, tools). */
    static final StanzaLimits UNLIMITED = new StanzaLimits(Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE, Integer.MAX_VALUE);

    public StanzaLimits {
        // Below these, ordinary stanzas (an IQ with from, to, id, type and a namespaced child) would not pass.
        atLeast(MAX_STANZA_SIZE, maxBytes, 1024);
        atLeast(MAX_STANZA_DEPTH, maxDepth, 4);
        atLeast(MAX_ATTRIBUTES, maxAttributes, 8);
        atLeast(MAX_NAME_LENGTH, maxNameLength, 16);
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new InvalidSettingException(key, value, "must be at least " + min);
        }
    }

    /** Which limit a stanza is over; each has a {@code dropped/<key>} counter. */
    public enum Violation {
        TOO_LARGE("too-large", StandaloneCounter.DROPPED_TOO_LARGE),
        TOO_DEEP("too-deep", StandaloneCounter.DROPPED_TOO_DEEP),
        TOO_MANY_ATTRIBUTES("too-many-attributes", StandaloneCounter.DROPPED_TOO_MANY_ATTRIBUTES),
        NAME_TOO_LONG("name-too-long", StandaloneCounter.DROPPED_NAME_TOO_LONG);

        private final String key;
        private final StandaloneCounter counter;

        Violation(String key, StandaloneCounter counter) {
            this.key = key;
            this.counter = counter;
        }

        public String key() {
            return key;
        }

        StandaloneCounter counter() {
            return counter;
        }

        /** What the sender is told, in the error's {@code <text/>}. */
        String describe(StanzaLimits limits) {
            return switch (this) {
                case TOO_LARGE -> "the stanza is larger than this service accepts (" + limits.maxBytes + " bytes)";
                case TOO_DEEP -> "the stanza nests elements deeper than this service accepts (" + limits.maxDepth + " levels)";
                case TOO_MANY_ATTRIBUTES -> "an element has more attributes than this service accepts ("
                        + limits.maxAttributes + ")";
                case NAME_TOO_LONG -> "an element or attribute name is longer than this service accepts ("
                        + limits.maxNameLength + " bytes)";
            };
        }
    }

    /**
     * A stanza that was over a limit and was not kept (past {@code max-stanza-size}, not even parsed).
     *
     * @param stanza    its own start tag as an element without content (attributes only), or null
     *                  when even that could not be read (then nobody can be answered)
     * @param violation the first limit it went over
     */
    public record Refused(XmlElement stanza, Violation violation) {
    }
}
