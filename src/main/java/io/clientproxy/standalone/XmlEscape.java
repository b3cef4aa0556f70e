package io.clientproxy.standalone;

/** Escaping for XML 1.0 output: whatever the parser unescaped must come out equal after re-parsing. */
final class XmlEscape {
    private XmlEscape() {
    }

    /** Character data: '&' and '<' must be escaped, '>' too (for "]]>"), CR would be normalised away. */
    static void text(String s, StringBuilder out) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#xD;");
                default -> out.append(c);
            }
        }
    }

    /**
     * A value inside double quotes. Tab, CR and LF are written as references because a parser
     * turns literal ones into spaces (attribute-value normalisation).
     */
    static void attribute(String s, StringBuilder out) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\t' -> out.append("&#x9;");
                case '\n' -> out.append("&#xA;");
                case '\r' -> out.append("&#xD;");
                default -> out.append(c);
            }
        }
    }

    static String attribute(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        attribute(s, out);
        return out.toString();
    }
}
