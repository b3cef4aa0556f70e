package io.clientproxy.standalone;

import java.io.IOException;

/**
 * The server ended the stream with {@code <stream:error/>} (RFC 6120 4.9). During the handshake
 * a {@code not-authorized} means the secret (or the component domain) is wrong.
 */
public final class StreamErrorException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String condition;
    private final String text;

    public StreamErrorException(String condition, String text) {
        super("stream error " + condition + (text == null || text.isEmpty() ? "" : " (" + text + ")"));
        this.condition = condition;
        this.text = text;
    }

    /** Reads condition and text from a received {@code <stream:error/>}. */
    static StreamErrorException from(XmlElement error) {
        String condition = null;
        String text = null;
        for (XmlElement child : error.elements()) {
            if (child.name().equals("text")) {
                text = child.text().trim();
            } else if (condition == null) {
                // The defined condition comes first; application-specific ones may follow.
                condition = child.name();
            }
        }
        return new StreamErrorException(condition == null ? "undefined-condition" : condition, text);
    }

    /** The defined condition, e.g. {@code not-authorized}, {@code conflict}, {@code host-unknown}. */
    public String condition() {
        return condition;
    }

    /** The server's human-readable text, or null. */
    public String text() {
        return text;
    }

    public boolean isNotAuthorized() {
        return "not-authorized".equals(condition);
    }
}
