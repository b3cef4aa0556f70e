package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HandshakeTest {
    /** Expected values computed independently: {@code printf '%s' '<id><secret>' | sha1sum}. */
    @Test
    void isLowercaseHexSha1OfStreamIdThenSecret() {
        assertEquals("7a98dc4c9e92493d7fd66a25364c862637789c45", ComponentStream.handshake("3BF96D32", "sesame"));
    }

    @Test
    void encodesAsUtf8() {
        assertEquals("c4f1a97bd355b9a929dcc51058d025313f0d12a8", ComponentStream.handshake("id-ü€", "secret"));
    }
}
