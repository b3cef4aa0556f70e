package io.clientproxy.tigase;

/**
 * Decodes attribute values as Tigase keeps them. Tigase's parser stores an attribute as it was
 * written on the wire, entities included ({@code id="a&apos;b"} is {@code a&apos;b}), so two
 * spellings of one value ({@code &apos;} and {@code &#39;}) are different strings there but the
 * same value in XML (XML 1.0, 4.1 and 4.6). The core compares values.
 */
final class XmlText {
    private XmlText() {
    }

    /**
     * The value that {@code raw} spells: the five predefined entities and decimal or hexadecimal
     * character references replaced by their characters. A malformed reference is kept as written
     * (Tigase's parser would not have accepted one, so none is expected).
     *
     * @return {@code raw} itself when it holds no {@code &} (the usual case: no copy), null for null
     */
    static String decode(String raw) {
        if (raw == null) {
            return null;
        }
        int amp = raw.indexOf('&');
        if (amp < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        out.append(raw, 0, amp);
        int i = amp;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            int semi = c == '&' ? raw.indexOf(';', i + 1) : -1;
            if (semi < 0) {
                out.append(c);
                i++;
                continue;
            }
            String name = raw.substring(i + 1, semi);
            int decoded = reference(name);
            if (decoded < 0) {
                out.append(c);
                i++;
            } else {
                out.appendCodePoint(decoded);
                i = semi + 1;
            }
        }
        return out.toString();
    }

    /** The code point an entity or character reference names, -1 if it is none of those. */
    private static int reference(String name) {
        switch (name) {
            case "lt": return '<';
            case "gt": return '>';
            case "amp": return '&';
            case "quot": return '"';
            case "apos": return '\'';
            default:
                break;
        }
        if (name.length() < 2 || name.charAt(0) != '#') {
            return -1;
        }
        try {
            int cp = name.charAt(1) == 'x'
                    ? Integer.parseInt(name.substring(2), 16)
                    : Integer.parseInt(name.substring(1), 10);
            return Character.isValidCodePoint(cp) && cp != 0 ? cp : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
