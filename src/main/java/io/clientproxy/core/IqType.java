package io.clientproxy.core;

/** The four IQ types of RFC 6120 (8.2.3). */
public enum IqType {
    GET, SET, RESULT, ERROR;

    public boolean isRequest() {
        return this == GET || this == SET;
    }

    /** Maps the {@code type} attribute; null when it is missing or not one of the four. */
    public static IqType parse(String type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "get" -> GET;
            case "set" -> SET;
            case "result" -> RESULT;
            case "error" -> ERROR;
            default -> null;
        };
    }
}
