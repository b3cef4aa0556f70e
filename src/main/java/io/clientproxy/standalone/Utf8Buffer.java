package io.clientproxy.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Outgoing bytes not yet handed to the socket: text is encoded into it as UTF-8 and written out
 * in one call when the stream decides to. Encodes as {@code OutputStreamWriter} with UTF-8 does
 * (a lone surrogate becomes {@code '?'}), without the intermediate strings and the encoder's
 * buffers. Not thread-safe: the stream's write lock guards it.
 */
final class Utf8Buffer {
    /** What the buffers start with and shrink back to after a large stanza. */
    private static final int INITIAL = 8 * 1024;
    private static final int KEEP_AT_MOST = 64 * 1024;

    private byte[] bytes = new byte[INITIAL];
    private int size;
    private char[] chars = new char[INITIAL];

    int size() {
        return size;
    }

    /** Appends {@code text} encoded as UTF-8. */
    void append(CharSequence text) {
        int n = text.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        if (text instanceof StringBuilder sb) {
            sb.getChars(0, n, chars, 0);
        } else if (text instanceof String s) {
            s.getChars(0, n, chars, 0);
        } else {
            for (int i = 0; i < n; i++) {
                chars[i] = text.charAt(i);
            }
        }
        ensure(size + 3 * n); // at most 3 bytes per char (a pair of surrogates takes 4 for 2)
        char[] c = chars;
        byte[] b = bytes;
        int at = size;
        int i = 0;
        // ASCII, by far the most common, first.
        while (i < n && c[i] < 0x80) {
            b[at++] = (byte) c[i++];
        }
        while (i < n) {
            char ch = c[i++];
            if (ch < 0x80) {
                b[at++] = (byte) ch;
            } else if (ch < 0x800) {
                b[at++] = (byte) (0xC0 | (ch >> 6));
                b[at++] = (byte) (0x80 | (ch & 0x3F));
            } else if (Character.isSurrogate(ch)) {
                if (Character.isHighSurrogate(ch) && i < n && Character.isLowSurrogate(c[i])) {
                    int cp = Character.toCodePoint(ch, c[i++]);
                    b[at++] = (byte) (0xF0 | (cp >> 18));
                    b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[at++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    b[at++] = '?';
                }
            } else {
                b[at++] = (byte) (0xE0 | (ch >> 12));
                b[at++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        size = at;
        if (chars.length > KEEP_AT_MOST) {
            chars = new char[INITIAL];
        }
    }

    /** Writes everything to {@code out} in one call and empties the buffer, whether the write succeeds or not. */
    void writeTo(OutputStream out) throws IOException {
        try {
            out.write(bytes, 0, size);
        } finally {
            size = 0;
            if (bytes.length > KEEP_AT_MOST) {
                bytes = new byte[INITIAL];
            }
        }
    }

    /** The bytes so far (tests). */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }
}
