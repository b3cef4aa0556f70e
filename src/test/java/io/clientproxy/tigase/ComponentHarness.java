package io.clientproxy.tigase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tigase.server.Packet;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * Drives the component the way Tigase does. {@link BeanLifecycle} creates it as a bean named
 * {@code proxy}: with real Tigase on the class path ({@code mvn -Ptigase}) Tigase's own kernel and
 * DSL bean configurator create it, convert and inject the configuration by {@code @ConfigField}
 * alias, let it register its helper beans in its own kernel ({@code RegistrarBean}), inject them
 * (the packet filters the real {@code getStatistics} reads) and call
 * {@code beanConfigurationChanged} (which creates the real queues); against the compile-time
 * declaration (default build) a stand-in does what the declaration needs. The kernel's
 * {@code initialize()} call is held back so that a test makes it itself, right after the kernel
 * would have (a test may act before it, or see what it throws); {@code initialize} calls
 * {@code initializationCompleted} from inside, as Tigase 8.4's BasicComponent does. Then
 * {@code start}, packets into {@code processPacket} carrying {@code jabber:client} as stanzas from
 * clients do; and what the component hands to {@code addOutPacket} is captured.
 *
 * <p>Like Tigase's session manager, which hands a stanza to its processors by element name and
 * namespace, it refuses any outgoing stanza without {@code xmlns='jabber:client'}: such a packet
 * fails the test at the next {@link #take()} (a real server logs "Packet not processed").
 */
final class ComponentHarness {
    static final String COMPONENT = "proxy.example.com";
    static final String TARGET = "bot@example.com";
    static final String ALICE = "alice@example.com/phone";
    static final String BOB = "bob@example.org/desk";

    final AtomicLong clock = new AtomicLong(5_000_000);
    final List<Packet> out = new ArrayList<>();
    /** Outgoing packets a real session manager would not have processed. */
    final List<Packet> notProcessed = new ArrayList<>();
    final ClientProxyComponent component;

    ComponentHarness(Map<String, Object> config) {
        component = BeanLifecycle.create(Recorded.class, "proxy", config, this);
    }

    /**
     * The component as the kernel creates it (public, no-arg constructor), with the harness's
     * clock; what it sends goes to the harness instead of Tigase's router.
     */
    public static class Recorded extends ClientProxyComponent {
        private final ComponentHarness harness;
        private boolean kernelCallHeld;

        public Recorded() {
            this(BeanLifecycle.creating(ComponentHarness.class));
        }

        private Recorded(ComponentHarness harness) {
            super(harness.clock::get);
            this.harness = harness;
        }

        @Override
        protected boolean addOutPacket(Packet packet) {
            harness.record(packet);
            return true;
        }

        /** The kernel's call is held back; the test makes it (see the class comment). */
        @Override
        public void initialize() {
            if (!kernelCallHeld) {
                kernelCallHeld = true;
                return;
            }
            super.initialize();
        }
    }

    static ComponentHarness started(Map<String, Object> config) {
        ComponentHarness h = new ComponentHarness(config);
        h.component.initialize();
        h.component.start();
        h.take();
        return h;
    }

    /** What Tigase's router does with a packet the component hands it: queued, or refused by the session manager. */
    void record(Packet packet) {
        synchronized (out) {
            out.add(packet);
            if (!"jabber:client".equals(packet.getElement().getXMLNS())) {
                notProcessed.add(packet);
            }
        }
    }

    List<Packet> take() {
        synchronized (out) {
            if (!notProcessed.isEmpty()) {
                throw new AssertionError("stanzas without xmlns='jabber:client', which Tigase's session manager "
                        + "does not process: " + notProcessed);
            }
            List<Packet> copy = new ArrayList<>(out);
            out.clear();
            return copy;
        }
    }

    Packet one() {
        List<Packet> all = take();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one packet out, got " + all);
        }
        return all.get(0);
    }

    void receive(Element stanza) {
        try {
            component.processPacket(Packet.packetInstance(stanza));
        } catch (Exception e) {
            throw new AssertionError("could not build a packet of " + stanza, e);
        }
    }

    /** The target's resource comes online with a priority, as Tigase delivers it. */
    void online(String resource, int priority) {
        Element p = stanza("presence", TARGET + "/" + resource, COMPONENT, null, null);
        p.addChild(new Element("priority", String.valueOf(priority)));
        receive(p);
    }

    static Element stanza(String name, String from, String to, String id, String type) {
        Element e = new Element(name);
        e.setXMLNS("jabber:client");
        if (from != null) {
            e.setAttribute("from", from);
        }
        if (to != null) {
            e.setAttribute("to", to);
        }
        if (id != null) {
            e.setAttribute("id", id);
        }
        if (type != null) {
            e.setAttribute("type", type);
        }
        return e;
    }

    static Element iq(String from, String to, String id, String type, Element child) {
        Element e = stanza("iq", from, to, id, type);
        if (child != null) {
            e.addChild(child);
        }
        return e;
    }

    static Element query(String xmlns) {
        Element q = new Element("query");
        q.setXMLNS(xmlns);
        return q;
    }

    static String attr(Packet p, String name) {
        return p.getElement().getAttributeStaticStr(name);
    }

    static JID jid(String s) {
        return JID.jidInstanceNS(s);
    }
}
