package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8BufferTest {

    /** What the stream wrote before: an OutputStreamWriter with UTF-8, one write per stanza. */
    private static byte[] viaWriter(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            w.write(s);
        }
        return out.toByteArray();
    }

    private static byte[] viaBuffer(CharSequence s) {
        Utf8Buffer b = new Utf8Buffer();
        b.append(s);
        return b.toByteArray();
    }

    @Test
    void encodesLikeTheJdk() throws IOException {
        for (String s : new String[] {"", "<iq to=\"a@b/c\"/>", "grüße", "日本語", "\uD83D\uDE00 emoji", "mixed ascii é 中 \uD83D\uDE00 end"}) {
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), viaBuffer(s), s);
            assertArrayEquals(viaWriter(s), viaBuffer(new StringBuilder(s)), s);
        }
    }

    @Test
    void randomTextMatchesTheJdk() throws IOException {
        Random r = new Random(42);
        for (int round = 0; round < 500; round++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(300);
            for (int i = 0; i < n; i++) {
                sb.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x10000) : r.nextInt(0x80)));
            }
            sb.append('>'); // stanzas end so; a lone high surrogate is then never the last char
            String s = sb.toString();
            assertArrayEquals(viaWriter(s), viaBuffer(s), "round " + round);
        }
    }

    @Test
    void loneSurrogatesBecomeQuestionMarksAsBefore() throws IOException {
        String s = "a\uD800b\uDC00c\uDC00\uD800>";
        assertArrayEquals(viaWriter(s), viaBuffer(s));
        assertEquals("a?b?c??>", new String(viaBuffer(s), StandardCharsets.UTF_8));
    }

    @Test
    void appendsAccumulateUntilWrittenThenStartOver() throws IOException {
        Utf8Buffer b = new Utf8Buffer();
        b.append("<a/>");
        b.append(new StringBuilder("<b>é</b>"));
        assertEquals(13, b.size()); // é takes two bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        b.writeTo(out);
        assertEquals("<a/><b>é</b>", out.toString(StandardCharsets.UTF_8));
        assertEquals(0, b.size());
        String big = "x".repeat(200_000) + "é";
        b.append(big);
        out.reset();
        b.writeTo(out);
        assertEquals(big, out.toString(StandardCharsets.UTF_8));
        b.append("<c/>");
        assertEquals("<c/>", new String(b.toByteArray(), StandardCharsets.UTF_8));
    }
}
