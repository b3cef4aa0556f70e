package io.clientproxy.core;

import java.util.Objects;

/** An error the proxy answers with: condition, type and a human-readable text for the sender. */
public record StanzaError(Condition condition, ErrorType type, String text) implements Outcome {
    public StanzaError {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(type, "type");
    }

    public static StanzaError of(Condition condition, String text) {
        return new StanzaError(condition, condition.defaultType(), text);
    }
}
