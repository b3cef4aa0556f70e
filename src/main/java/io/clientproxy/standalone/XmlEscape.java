package io.clientproxy.standalone;

/** Escaping for XML 1.0 output: whatever the parser unescaped must come out equal after re-parsing. */
final class XmlEscape {
    private XmlEscape() {
    }

    /** Character data: '&' and '<' must be escaped, '>' too (for "]]>"), CR would be normalised away. */
    static void text(String s, StringBuilder out) {
        int n = s.length();
        int i = 0;
        // Every character that needs escaping is at most '>': most text is copied in one piece.
        while (i < n && (s.charAt(i) > '>' || !escapedInText(s.charAt(i)))) {
            i++;
        }
        if (i == n) {
            out.append(s);
            return;
        }
        out.append(s, 0, i);
        for (; i < n; i++) {
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
        int n = s.length();
        int i = 0;
        while (i < n && (s.charAt(i) > '>' || !escapedInAttribute(s.charAt(i)))) {
            i++;
        }
        if (i == n) {
            out.append(s);
            return;
        }
        out.append(s, 0, i);
        for (; i < n; i++) {
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

    private static boolean escapedInText(char c) {
        return c == '&' || c == '<' || c == '>' || c == '\r';
    }

    private static boolean escapedInAttribute(char c) {
        return c == '&' || c == '<' || c == '>' || c == '"' || c == '\t' || c == '\n' || c == '\r';
    }

    static String attribute(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        attribute(s, out);
        return out.toString();
    }
}
