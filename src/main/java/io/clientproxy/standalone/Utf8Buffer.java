package io.clientproxy.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Outgoing bytes not yet handed to the socket: text is encoded into it as UTF-8 and written out
 * in one call when the stream decides to. Encodes as {@code OutputStreamWriter} with UTF-8 does
 * (the same encoder: a lone surrogate becomes {@code '?'}), without its intermediate buffers.
 * Not thread-safe: the stream's write lock guards it.
 */
final class Utf8Buffer {
    /** What the buffers start with and shrink back to after a large stanza, in bytes and chars. */
    private static final int INITIAL = 8 * 1024;
    private static final int KEEP_AT_MOST = 64 * 1024;

    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
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
        // The encoder's fast path needs arrays on both sides.
        if (text instanceof String s) {
            s.getChars(0, n, chars, 0);
        } else if (text instanceof StringBuilder sb) {
            sb.getChars(0, n, chars, 0);
        } else {
            text.toString().getChars(0, n, chars, 0);
        }
        if (size + 3 * n > bytes.length) { // at most 3 bytes per char (a pair of surrogates takes 4 for 2)
            bytes = Arrays.copyOf(bytes, Math.max(size + 3 * n, bytes.length * 2));
        }
        ByteBuffer out = ByteBuffer.wrap(bytes, size, bytes.length - size);
        encoder.reset().encode(CharBuffer.wrap(chars, 0, n), out, true);
        encoder.flush(out);
        size = out.position();
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
}
