package io.clientproxy.standalone;

import java.io.ByteArrayOutputStream;
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
 * The stream's write lock guards it.
 */
final class Utf8Buffer extends ByteArrayOutputStream {
    /** What the buffers start with and shrink back to after a large stanza, in bytes and chars. */
    private static final int INITIAL = 8 * 1024;
    private static final int KEEP_AT_MOST = 64 * 1024;

    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private char[] chars = new char[INITIAL];

    Utf8Buffer() {
        super(INITIAL);
    }

    /** Appends {@code text} encoded as UTF-8. */
    void append(CharSequence text) {
        int n = text.length();
        chars = chars.length < n ? new char[Math.max(n, 2 * chars.length)] : chars;
        if (text instanceof StringBuilder sb) { // the encoder's fast path needs arrays on both sides
            sb.getChars(0, n, chars, 0);
        } else {
            text.toString().getChars(0, n, chars, 0);
        }
        // At most 3 bytes per char (a pair of surrogates takes 4 for 2).
        buf = count + 3 * n > buf.length ? Arrays.copyOf(buf, Math.max(count + 3 * n, 2 * buf.length)) : buf;
        ByteBuffer out = ByteBuffer.wrap(buf, count, buf.length - count);
        encoder.reset().encode(CharBuffer.wrap(chars, 0, n), out, true);
        count = out.position();
        chars = chars.length > KEEP_AT_MOST ? new char[INITIAL] : chars;
    }

    /** Writes everything to {@code out} in one call and empties the buffer, whether the write succeeds or not. */
    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            out.write(buf, 0, count);
        } finally {
            count = 0;
            buf = buf.length > KEEP_AT_MOST ? new byte[INITIAL] : buf;
        }
    }
}
