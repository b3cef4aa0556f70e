package io.clientproxy.tigase;

import io.clientproxy.core.Condition;
import io.clientproxy.core.Payload;
import java.util.List;
import io.clientproxy.core.Jid;
import io.clientproxy.core.Outbox;
import io.clientproxy.core.StanzaError;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import tigase.server.Packet;
import tigase.xml.Element;
import tigase.xml.XMLUtils;
import tigase.xmpp.jid.JID;

/**
 * Carries out the core's decisions as Tigase packets. Received packets are never modified: every
 * output is a copy.
 *
 * <p>Every stanza it hands to Tigase carries {@code xmlns='jabber:client'}: Tigase's session manager
 * picks its processors by element name and namespace, and ignores a presence without it (no
 * subscription, no probe answer, an error back) or refuses a message to a bare JID.
 */
final class PacketOutbox implements Outbox<Packet> {
    private static final Logger log = Logger.getLogger(PacketOutbox.class.getName());

    /** The namespace of every stanza a component hands to Tigase's session manager (RFC 6120 4.8.3). */
    static final String CLIENT_NS = "jabber:client";

    private final Consumer<Packet> out;

    PacketOutbox(Consumer<Packet> out) {
        this.out = out;
    }

    @Override
    public void forward(Packet stanza, Jid from, Jid to) {
        readdress(stanza.getElement().clone(), from, to);
    }

    private void readdress(Element copy, Jid from, Jid to) {
        JID fromJid = TigaseJids.toTigase(from);
        JID toJid = TigaseJids.toTigase(to);
        copy.setAttribute("from", fromJid.toString());
        copy.setAttribute("to", toJid.toString());
        send(copy, fromJid, toJid);
    }

    @Override
    public void forwardRequest(Packet request, Jid from, Jid to, String id) {
        Element copy = request.getElement().clone();
        // Tigase keeps attribute values as written in XML: the value goes in escaped.
        copy.setAttribute("id", XMLUtils.escape(id));
        readdress(copy, from, to);
    }

    @Override
    public void forwardAnswer(Packet answer, Packet request, Jid from, Jid to) {
        Element copy = answer.getElement().clone();
        // The sender's id exactly as the sender wrote it (Tigase keeps it raw).
        copy.setAttribute("id", Elements.attribute(request.getElement(), "id"));
        readdress(copy, from, to);
    }

    @Override
    public void forwardToOneResource(Packet message, Jid from, Jid to) {
        Element copy = message.getElement().clone();
        addIfAbsent(copy, "private", CARBONS_NS);
        addIfAbsent(copy, "no-copy", HINTS_NS);
        readdress(copy, from, to);
    }

    /** Adds an empty child {@code <name xmlns='ns'/>} unless the element has one. */
    private static void addIfAbsent(Element element, String name, String ns) {
        if (Elements.child(element, name, ns) == null) {
            Element child = Elements.create(name);
            child.setXMLNS(ns);
            Elements.append(element, child);
        }
    }

    @Override
    public void error(Packet stanza, Jid from, Jid to, StanzaError error) {
        reply(stanza, "error", from, to, errorElement(error));
    }

    static Element errorElement(StanzaError error) {
        Element e = Elements.create("error");
        e.setAttribute("type", error.type().xml());
        Element condition = Elements.create(error.condition().xml());
        condition.setXMLNS(Condition.STANZAS_NS);
        Elements.append(e, condition);
        if (error.text() != null) {
            Element text = Elements.create("text", XMLUtils.escape(error.text()));
            text.setXMLNS(Condition.STANZAS_NS);
            text.setAttribute("xml:lang", "en");
            Elements.append(e, text);
        }
        return e;
    }

    @Override
    public void presence(Jid from, Jid to, String type) {
        Element p = Elements.create("presence");
        JID fromJid = TigaseJids.toTigase(from);
        JID toJid = TigaseJids.toTigase(to);
        p.setAttribute("from", fromJid.toString());
        p.setAttribute("to", toJid.toString());
        if (type != null) {
            p.setAttribute("type", type);
        }
        send(p, fromJid, toJid);
    }

    @Override
    public void result(Packet request, Jid from, Jid to, Payload payload) {
        reply(request, "result", from, to, payload == null ? null : PayloadElements.toElement(payload));
    }

    @Override
    public void ping(Jid from, Jid to, String id) {
        Element iq = Elements.create("iq");
        JID fromJid = TigaseJids.toTigase(from);
        JID toJid = TigaseJids.toTigase(to);
        iq.setAttribute("id", XMLUtils.escape(id));
        iq.setAttribute("type", "get");
        iq.setAttribute("from", fromJid.toString());
        iq.setAttribute("to", toJid.toString());
        Element ping = Elements.create("ping");
        ping.setXMLNS("urn:xmpp:ping");
        Elements.append(iq, ping);
        send(iq, fromJid, toJid);
    }

    @Override
    public Payload childOf(Packet stanza) {
        List<Element> children = stanza.getElement().getChildren();
        return children == null || children.isEmpty() ? null : PayloadElements.fromElement(children.get(0));
    }

    /** A new stanza answering {@code request}: same element name and id, the given type, addresses and child. */
    private void reply(Packet request, String type, Jid from, Jid to, Element child) {
        Element original = request.getElement();
        Element reply = Elements.create(original.getName());
        String id = Elements.attribute(original, "id");
        if (id != null) {
            reply.setAttribute("id", id);
        }
        reply.setAttribute("type", type);
        JID fromJid = TigaseJids.toTigase(from);
        JID toJid = TigaseJids.toTigase(to);
        reply.setAttribute("from", fromJid.toString());
        reply.setAttribute("to", toJid.toString());
        if (child != null) {
            Elements.append(reply, child);
        }
        send(reply, fromJid, toJid);
    }

    private void send(Element element, JID from, JID to) {
        element.setXMLNS(CLIENT_NS);
        try {
            out.accept(Packet.packetInstance(element, from, to));
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "could not send " + element, e);
        }
    }
}
