package io.clientproxy.standalone;

/** Where outgoing stanzas are written: the current component stream, if there is one. */
@FunctionalInterface
interface StanzaSink {
    /**
     * Writes the stanza now.
     *
     * @return false when it could not be written (no stream, or the write failed); never throws
     */
    boolean send(XmlElement stanza);
}
