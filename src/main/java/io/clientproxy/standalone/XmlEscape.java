package io.clientproxy.standalone;

/** Escaping for XML 1.0 output: whatever the parser unescaped must come out equal after re-parsing. */
final class XmlEscape {
    private XmlEscape() {
    }

    /**
     * Appends {@code s} escaped. Always '&amp;' and '&lt;', '&gt;' too (for "]]&gt;"), and CR (a
     * parser would normalise it away). In an attribute value (written inside double quotes) also
     * '"', and tab and LF, which attribute-value normalisation would turn into spaces.
     */
    static void append(String s, boolean attribute, StringBuilder out) {
        int from = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            // Every character that needs escaping is at most '>': most text is copied in one run.
            String reference = c > '>' ? null : switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '\r' -> "&#xD;";
                case '"' -> attribute ? "&quot;" : null;
                case '\t' -> attribute ? "&#x9;" : null;
                case '\n' -> attribute ? "&#xA;" : null;
                default -> null;
            };
            if (reference != null) {
                out.append(s, from, i).append(reference);
                from = i + 1;
            }
        }
        if (from == 0) {
            out.append(s); // nothing escaped: one copy (append(s, 0, n) copies char by char on JDK 17)
        } else {
            out.append(s, from, s.length());
        }
    }
}
