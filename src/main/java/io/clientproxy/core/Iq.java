package io.clientproxy.core;

/**
 * The envelope of an IQ stanza addressed to the component (RFC 6120 8.1 common attributes, 8.2.3
 * IQ semantics): what an adapter reads off the stanza for {@link ProxyCore#onIq}. The core decides
 * from these facts alone; the stanza itself stays the adapter's handle.
 *
 * @param from           the {@code from} address as the server stamped it; null when absent (dropped)
 * @param to             the address the sender used (the component's, with or without resource or
 *                       localpart); null when absent (the component's own address is used)
 * @param id             the id's value (entities decoded: ids are compared as values); null when absent
 * @param type           the raw {@code type} attribute ({@link IqType#parse}); anything but the four
 *                       types is answered {@code bad-request}
 * @param children       how many child elements the IQ has (a get or set must have exactly one)
 * @param childNamespace the namespace of its first child, null when none: decides, for example,
 *                       whether it is a service discovery query or an ad-hoc command
 * @param errorCondition for an IQ of type error: the element name of the defined condition in its
 *                       {@code <error/>} (RFC 6120 8.3.3), e.g. {@code recipient-unavailable};
 *                       otherwise null. An error from the resource holding a get that says the
 *                       resource is going away moves the get to another resource (each at most once).
 */
public record Iq(Jid from, Jid to, String id, String type, int children, String childNamespace,
                 String errorCondition) {
    static final StanzaError NO_ID = StanzaError.of(Condition.BAD_REQUEST, "an IQ request needs an id");
    static final StanzaError BAD_TYPE = StanzaError.of(Condition.BAD_REQUEST,
            "an IQ type must be get, set, result or error");
    static final StanzaError NOT_ONE_CHILD = StanzaError.of(Condition.BAD_REQUEST,
            "an IQ get or set carries exactly one child element");


    /** An IQ whose child's namespace and error condition play no part (no disco, no command, no bounce). */
    public Iq(Jid from, Jid to, String id, String type, int children) {
        this(from, to, id, type, children, null, null);
    }
}
