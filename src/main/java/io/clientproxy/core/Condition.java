package io.clientproxy.core;

/** The RFC 6120 (8.3.3) stanza error conditions that the proxy itself sends. */
public enum Condition {
    BAD_REQUEST("bad-request", ErrorType.MODIFY),
    FEATURE_NOT_IMPLEMENTED("feature-not-implemented", ErrorType.CANCEL),
    FORBIDDEN("forbidden", ErrorType.AUTH),
    INTERNAL_SERVER_ERROR("internal-server-error", ErrorType.CANCEL),
    ITEM_NOT_FOUND("item-not-found", ErrorType.CANCEL),
    POLICY_VIOLATION("policy-violation", ErrorType.WAIT),
    RECIPIENT_UNAVAILABLE("recipient-unavailable", ErrorType.WAIT),
    REMOTE_SERVER_TIMEOUT("remote-server-timeout", ErrorType.WAIT),
    RESOURCE_CONSTRAINT("resource-constraint", ErrorType.WAIT),
    SERVICE_UNAVAILABLE("service-unavailable", ErrorType.CANCEL);

    /** The namespace of defined conditions inside a stanza {@code <error/>}. */
    public static final String STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

    private final String xml;
    private final ErrorType defaultType;

    Condition(String xml, ErrorType defaultType) {
        this.xml = xml;
        this.defaultType = defaultType;
    }

    /** The element name of the condition, e.g. {@code service-unavailable}. */
    public String xml() {
        return xml;
    }

    public ErrorType defaultType() {
        return defaultType;
    }
}
