package io.clientproxy.tigase;

import io.clientproxy.Version;
import io.clientproxy.core.Condition;
import io.clientproxy.core.DiscoInfo;
import io.clientproxy.core.InvalidSettingException;
import io.clientproxy.core.Iq;
import io.clientproxy.core.Jid;
import io.clientproxy.core.ProxyCore;
import io.clientproxy.core.ProxySettings;
import io.clientproxy.core.SenderFilter;
import io.clientproxy.core.StanzaError;
import io.clientproxy.core.TargetResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import tigase.cluster.api.ClusterControllerIfc;
import tigase.kernel.beans.RegistrarBean;
import tigase.kernel.beans.config.ConfigField;
import tigase.kernel.core.Kernel;
import tigase.server.AbstractMessageReceiver;
import tigase.server.ComponentInfo;
import tigase.server.DisableDisco;
import tigase.server.Packet;
import tigase.stats.StatisticsList;
import tigase.xml.Element;
import tigase.xmpp.jid.JID;

/**
 * The Tigase adapter: a component whose IQ requests are answered by the online resources of a
 * target account. Enabled in {@code config.tdsl} with
 * <pre>
 * proxy (class: 'io.clientproxy.tigase.ClientProxyComponent') {
 *     'target-address' = 'bot@example.com'
 * }
 * </pre>
 * All routing decisions are the core's; this class only translates packets to and from it.
 *
 * <p>It implements {@link RegistrarBean} so that Tigase gives it a kernel of its own: without one,
 * its filter beans land in the root kernel and Tigase's monitor and eventbus components fail to
 * load. It implements {@link DisableDisco} so that disco queries reach the core, which answers them
 * itself or forwards them to the target as the {@code disco} option says.
 */
public class ClientProxyComponent extends AbstractMessageReceiver implements RegistrarBean, DisableDisco {
    private static final Logger log = Logger.getLogger(ClientProxyComponent.class.getName());

    @ConfigField(desc = "Bare JID of the account whose online resources answer the requests", alias = ProxySettings.TARGET_ADDRESS)
    private String targetAddress;

    @ConfigField(desc = "How long a request may wait for the target's answer", alias = ProxySettings.REQUEST_TIMEOUT)
    private Duration requestTimeout = ProxySettings.DEFAULT_REQUEST_TIMEOUT;

    @ConfigField(desc = "Encoding of senders toward the target: opaque (random token) or transparent (sender's full JID)", alias = ProxySettings.JAT_MODE)
    private String jatMode = ProxySettings.DEFAULT_JAT_MODE.configName();

    @ConfigField(desc = "Most requests pending at once", alias = ProxySettings.MAX_PENDING)
    private int maxPending = ProxySettings.DEFAULT_MAX_PENDING;

    @ConfigField(desc = "Most requests pending at once from one sender (full JID)", alias = ProxySettings.MAX_PENDING_PER_SENDER)
    private int maxPendingPerSender = ProxySettings.DEFAULT_MAX_PENDING_PER_SENDER;

    @ConfigField(desc = "How long a sender's mapping is kept once it has no pending request", alias = ProxySettings.JAT_IDLE_TIMEOUT)
    private Duration jatIdleTimeout = ProxySettings.DEFAULT_JAT_IDLE_TIMEOUT;

    @ConfigField(desc = "Most senders mapped at once", alias = ProxySettings.MAX_MAPPINGS)
    private int maxMappings = ProxySettings.DEFAULT_MAX_MAPPINGS;

    @ConfigField(desc = "First wait before asking the target again after it denied the subscription", alias = ProxySettings.RESUBSCRIBE_MIN)
    private Duration resubscribeMin = ProxySettings.DEFAULT_RESUBSCRIBE_MIN;

    @ConfigField(desc = "Longest wait between subscription requests after denials", alias = ProxySettings.RESUBSCRIBE_MAX)
    private Duration resubscribeMax = ProxySettings.DEFAULT_RESUBSCRIBE_MAX;

    @ConfigField(desc = "Which online resource gets a request: random, round-robin, least-pending, priority or sticky", alias = ProxySettings.BALANCER)
    private String balancer = ProxySettings.DEFAULT_BALANCER.configName();

    @ConfigField(desc = "Who may send requests: domains, bare JIDs and full JIDs; empty for everyone", alias = ProxySettings.ALLOWED_SENDERS)
    private String[] allowedSenders = new String[0];

    @ConfigField(desc = "Requests per second one sender may make on average (0: no limit)", alias = ProxySettings.RATE_LIMIT)
    private int rateLimit = (int) ProxySettings.DEFAULT_RATE_LIMIT;

    @ConfigField(desc = "Requests one sender may make at once before the rate limit applies", alias = ProxySettings.RATE_BURST)
    private int rateBurst = ProxySettings.DEFAULT_RATE_BURST;

    @ConfigField(desc = "Who answers disco queries: forward (the target), local (the component), fallback (the default: local while no resource is online)", alias = ProxySettings.DISCO)
    private String disco = ProxySettings.DEFAULT_DISCO.configName();

    @ConfigField(desc = "Identity category of local disco answers", alias = ProxySettings.DISCO_CATEGORY)
    private String discoCategory = ProxySettings.DEFAULT_DISCO_CATEGORY;

    @ConfigField(desc = "Identity type of local disco answers", alias = ProxySettings.DISCO_TYPE)
    private String discoType = ProxySettings.DEFAULT_DISCO_TYPE;

    @ConfigField(desc = "Identity name of local disco answers", alias = ProxySettings.DISCO_NAME)
    private String discoName = ProxySettings.DEFAULT_DISCO_NAME;

    @ConfigField(desc = "Features of local disco#info answers (disco#info itself is always there)", alias = ProxySettings.DISCO_FEATURES)
    private String[] discoFeatures = new String[0];

    @ConfigField(desc = "Let the target send IQ requests to <component>/<encoded> of a mapped sender", alias = ProxySettings.OUTBOUND_REQUESTS)
    private boolean outboundRequests;

    @ConfigField(desc = "Proxy messages both ways (sticky per sender) instead of answering feature-not-implemented", alias = ProxySettings.MESSAGES)
    private boolean messages;

    @ConfigField(desc = "The component's address toward the target (default: <bean name>.<target's domain>)", alias = ProxySettings.PROXY_ADDRESS)
    private String proxyAddress;

    @ConfigField(desc = "While the target has not approved the subscription, write it into the target's roster with sess-man's user-roster-management command (needs that command granted to <bean>@<target's domain> in sess-man's commands ACL; single node)", alias = APPROVE_IN_ROSTER)
    private boolean approveInRoster;

    /** The option's key: docs/tigase.md, "No approval needed: Tigase's roster command". */
    static final String APPROVE_IN_ROSTER = "approve-in-roster";

    private volatile ProxyCore<Packet> core;
    /** Option approve-in-roster; null when off. */
    private volatile RosterApproval rosterApproval;
    private boolean clusterSkipLogged;
    /** The instances of this bean on other nodes, in cluster mode (README, "In a Tigase cluster"). */
    private final ClusterCommands cluster = new ClusterCommands(this::getComponentId, this::getNodesConnected,
            (node, event) -> {
                ProxyCore<Packet> c = core;
                if (c != null) {
                    c.onClusterEvent(node, event);
                }
            },
            this::processHandedOver);
    private final LongAdder internalErrors = new LongAdder();
    private final LongAdder unknownStanzas = new LongAdder();
    private boolean subscribed;
    /** Copies of this component's jar on the class path, counted at initialisation (more than one: see the log). */
    private volatile int classPathCopies;

    private final LongSupplier clock;

    /** The constructor Tigase's kernel uses. */
    public ClientProxyComponent() {
        this(ProxyCore::monotonicMillis);
    }

    /** For tests: a clock in monotonic milliseconds that the test moves. */
    ClientProxyComponent(LongSupplier clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------- lifecycle

    /**
     * Validates the configuration and builds the core. Called by Tigase's kernel once the
     * {@code @ConfigField}s are set; a bad value is logged with its key and stops the bean.
     *
     * <p>The core is built before {@code super.initialize()}, because Tigase 8.4's
     * {@code BasicComponent.initialize()} calls {@link #initializationCompleted()} as its last
     * statement: the subscription request goes out from there, and Tigase queues it until
     * {@link #start()}.
     */
    @Override
    public void initialize() {
        try {
            core = newCore(settings());
            core.setAdmins(jid -> isAdmin(TigaseJids.toTigase(jid)));
            core.setAdapterCounters(() -> Map.of("internal-errors", internalErrors.sum(),
                    "dropped/not-a-stanza", unknownStanzas.sum()));
            // Alone, nothing crosses: the link has no other node until Tigase's cluster controller says so.
            core.joinCluster(getComponentId().getDomain(), cluster);
        } catch (InvalidSettingException e) {
            log.log(Level.SEVERE, "component " + getName() + ": " + e.getMessage());
            throw e;
        }
        log.info(() -> "component " + getName() + " " + Version.current() + " proxies IQ requests at "
                + core.component() + " to " + core.settings().target());
        if (approveInRoster) {
            ProxySettings st = core.settings();
            rosterApproval = new RosterApproval(JID.jidInstanceNS(getName(), st.target().domain(), null),
                    st.target().toString(), core.component().toString(), this::addOutPacket,
                    st.resubscribeMin().toMillis(), st.resubscribeMax().toMillis());
        }
        List<ClassPathCopies.Copy> copies = ClassPathCopies.find(ClientProxyComponent.class.getClassLoader());
        classPathCopies = copies.size();
        String duplicates = ClassPathCopies.problem(copies);
        if (duplicates != null) {
            log.severe("component " + getName() + ": " + duplicates);
        }
        super.initialize();
    }

    /** Builds the validated settings from the configuration fields. */
    ProxySettings settings() {
        return ProxySettings.builder()
                .target(ProxySettings.parseTarget(targetAddress))
                .requestTimeout(requestTimeout)
                .jatMode(ProxySettings.parseJatMode(jatMode))
                .maxPending(maxPending)
                .maxPendingPerSender(maxPendingPerSender)
                .jatIdleTimeout(jatIdleTimeout)
                .maxMappings(maxMappings)
                .resubscribeMin(resubscribeMin)
                .resubscribeMax(resubscribeMax)
                .balancer(ProxySettings.parseBalancer(balancer))
                .allowedSenders(SenderFilter.parse(allowedSenders == null ? List.of() : List.of(allowedSenders)))
                .rateLimit(rateLimit)
                .rateBurst(rateBurst)
                .disco(ProxySettings.parseDisco(disco))
                .discoInfo(new DiscoInfo(discoCategory, discoType, discoName,
                        discoFeatures == null ? List.of() : List.of(discoFeatures)))
                .outboundRequests(outboundRequests)
                .messages(messages)
                .build();
    }

    private ProxyCore<Packet> newCore(ProxySettings settings) {
        Jid component;
        if (proxyAddress == null || proxyAddress.isBlank()) {
            component = Jid.of(getName() + "." + settings.target().domain(), null);
        } else {
            try {
                component = Jid.parse(proxyAddress.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(ProxySettings.PROXY_ADDRESS, proxyAddress, e.getMessage());
            }
            if (!component.isBare()) {
                throw new InvalidSettingException(ProxySettings.PROXY_ADDRESS, proxyAddress, "must be a bare domain such as proxy.example.com");
            }
        }
        return new ProxyCore<>(settings, component, new PacketOutbox(this::addOutPacket),
                settings.balancer().create(), clock, ProxyCore.DEFAULT_SHARDS);
    }

    /**
     * Tigase has loaded the component: the subscription request goes out (Tigase queues what a
     * component sends before {@link #start()}, and routes it once started). Should it be lost on
     * the way, the core asks again after {@code resubscribe-min}.
     */
    @Override
    public void initializationCompleted() {
        super.initializationCompleted();
        subscribeOnce();
    }

    private synchronized void subscribeOnce() {
        if (!subscribed && core != null) {
            subscribed = true;
            core.start();
            greetConnectedNodes();
        }
    }

    /**
     * Cluster mode: the instances on nodes already connected learn what this one knows and are
     * asked for what they know. Tigase tells a component of a node once, when the cluster link
     * comes up, which may be before this instance had a core (or a controller): what the other
     * node sent then is lost, and after a restart while no target resource is online nothing
     * else tells this instance that the subscription is approved.
     */
    private void greetConnectedNodes() {
        ProxyCore<Packet> c = core;
        if (c == null || !subscribed) {
            return;
        }
        for (String node : cluster.otherNodes()) {
            c.nodeConnected(node);
        }
    }

    @Override
    public void stop() {
        ProxyCore<Packet> c = core;
        if (c != null) {
            c.shutdown();
        }
        super.stop();
    }

    @Override
    public void everySecond() {
        super.everySecond();
        ProxyCore<Packet> c = core;
        if (c == null) {
            return;
        }
        try {
            c.tick();
            approveInRosterIfNeeded(c);
        } catch (RuntimeException e) {
            internalErrors.increment();
            log.log(Level.WARNING, "timer tick failed", e);
        }
    }

    private void approveInRosterIfNeeded(ProxyCore<Packet> c) {
        RosterApproval approval = rosterApproval;
        if (approval == null) {
            return;
        }
        if (!cluster.otherNodes().isEmpty()) {
            // The command changes the roster of a session on this node only; the target's session may
            // be on another, whose copy of the roster would stay as it was.
            if (!clusterSkipLogged) {
                clusterSkipLogged = true;
                log.warning(() -> "component " + getName() + ": option " + APPROVE_IN_ROSTER + " acts on a single "
                        + "node only; in a cluster approve the subscription once (docs/tigase.md, \"No approval "
                        + "needed\")");
            }
            return;
        }
        approval.tick(c.subscriptionState(), clock.getAsLong());
    }

    // ------------------------------------------------------------- cluster

    /** Cluster mode: Tigase's controller for this bean (command names prefixed with the bean's name). */
    @Override
    public void setClusterController(ClusterControllerIfc controller) {
        super.setClusterController(controller);
        cluster.setController(controller);
        synchronized (this) {
            greetConnectedNodes();
        }
    }

    /** An instance of this bean on another node is up: it learns what this node knows first-hand. */
    @Override
    protected void onNodeConnected(JID node) {
        super.onNodeConnected(node);
        ProxyCore<Packet> c = core;
        if (c != null && isStarted() && !node.equals(getComponentId())) {
            c.nodeConnected(node.getDomain());
        }
    }

    private synchronized boolean isStarted() {
        return subscribed;
    }

    /** A node left: the resources whose sessions were there go offline, with what they held. */
    @Override
    protected void onNodeDisconnected(JID node) {
        super.onNodeDisconnected(node);
        ProxyCore<Packet> c = core;
        if (c != null && !node.equals(getComponentId())) {
            c.nodeDisconnected(node.getDomain());
        }
    }

    /** A stanza another node received for an encoded address this node issued: processed as if it came here. */
    private void processHandedOver(Packet packet) {
        ProxyCore<Packet> c = core;
        if (c == null) {
            return;
        }
        c.handedOver(() -> processPacket(packet));
    }

    @Override
    public void register(Kernel kernel) {
    }

    @Override
    public void unregister(Kernel kernel) {
    }

    // ------------------------------------------------------------- stanzas

    @Override
    public void processPacket(Packet packet) {
        ProxyCore<Packet> c = core;
        if (c == null) {
            // Not initialised (Tigase routes nothing here before initialize(), but never lose a request).
            answerError(packet, NOT_READY);
            return;
        }
        try {
            RosterApproval approval = rosterApproval;
            if (approval != null) {
                RosterApproval.Outcome outcome = approval.onPacket(packet, clock.getAsLong());
                if (outcome == RosterApproval.Outcome.WRITTEN) {
                    c.approvedOnServer();
                }
                if (outcome != null) {
                    return;
                }
            }
            dispatch(c, packet);
        } catch (RuntimeException e) {
            internalErrors.increment();
            log.log(Level.WARNING, "could not process " + packet, e);
            answerError(packet, FAILED);
        }
    }

    private void dispatch(ProxyCore<Packet> c, Packet packet) {
        Element element = packet.getElement();
        Jid from = TigaseJids.toCore(packet.getStanzaFrom());
        Jid to = TigaseJids.toCore(packet.getStanzaTo());
        String type = Elements.attribute(element, "type");
        switch (packet.getElemName()) {
            case "iq" -> c.onIq(packet, new Iq(from, to, XmlText.decode(Elements.attribute(element, "id")), type,
                    childCount(element), childNamespace(element), "error".equals(type) ? errorCondition(element) : null));
            case "message" -> c.onMessage(packet, from, to, type);
            case "presence" -> c.onPresence(packet, from, to, type, priority(element));
            default -> {
                unknownStanzas.increment();
                log.finest(() -> "not a stanza, dropped: " + packet);
            }
        }
    }

    private static final StanzaError FAILED = StanzaError.of(Condition.INTERNAL_SERVER_ERROR,
            "the proxy failed on this request");
    private static final StanzaError NOT_READY = new StanzaError(Condition.SERVICE_UNAVAILABLE,
            io.clientproxy.core.ErrorType.WAIT, "the proxy is not running yet");

    /** An IQ request must never go unanswered, even when the proxy itself cannot handle it. */
    private void answerError(Packet packet, StanzaError error) {
        try {
            String type = Elements.attribute(packet.getElement(), "type");
            if ("iq".equals(packet.getElemName()) && ("get".equals(type) || "set".equals(type))
                    && packet.getStanzaFrom() != null && packet.getStanzaTo() != null) {
                new PacketOutbox(this::addOutPacket).error(packet, TigaseJids.toCore(packet.getStanzaTo()),
                        TigaseJids.toCore(packet.getStanzaFrom()), error);
            }
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "could not answer " + packet, e);
        }
    }

    /** The defined condition of a stanza error (RFC 6120 8.3.3): the first child of {@code <error/>} in the stanzas namespace. */
    static String errorCondition(Element stanza) {
        Element error = Elements.child(stanza, "error");
        List<Element> children = error == null ? null : error.getChildren();
        if (children != null) {
            for (Element c : children) {
                if (Condition.STANZAS_NS.equals(c.getXMLNS()) && !"text".equals(c.getName())) {
                    return c.getName();
                }
            }
        }
        return null;
    }

    private static int childCount(Element element) {
        List<Element> children = element.getChildren();
        return children == null ? 0 : children.size();
    }

    private static String childNamespace(Element element) {
        List<Element> children = element.getChildren();
        return children == null || children.isEmpty() ? null : children.get(0).getXMLNS();
    }

    /** The presence priority (RFC 6121 4.7.2.3): an integer from -128 to 127, 0 when absent or invalid. */
    static int priority(Element presence) {
        Element p = Elements.child(presence, "priority");
        if (p == null || p.getCData() == null) {
            return 0;
        }
        try {
            int v = Integer.parseInt(p.getCData().trim());
            return Math.max(-128, Math.min(127, v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Picks the processing thread by the shard of the routing state the stanza will use (see
     * {@link ProxyCore#affinity}): a sender's stanzas keep their order on one thread, the target's
     * reply is handled on the thread that handled the request, and no two threads share a shard.
     * Tigase's default hashes the destination, which is always this component.
     */
    @Override
    public int hashCodeForPacket(Packet packet) {
        JID from = packet.getStanzaFrom();
        if (from == null) {
            from = packet.getPacketFrom();
        }
        ProxyCore<Packet> c = core;
        if (from == null || c == null) {
            return super.hashCodeForPacket(packet);
        }
        return c.affinity(TigaseJids.toCore(from), TigaseJids.toCore(packet.getStanzaTo()));
    }

    /**
     * One processing thread per CPU, at most one per shard (more would have nothing to do).
     * Tigase's default is a single thread.
     */
    @Override
    public int processingInThreads() {
        return Math.max(1, Math.min(ProxyCore.DEFAULT_SHARDS, Runtime.getRuntime().availableProcessors()));
    }

    // ------------------------------------------------------------- observation

    @Override
    public ComponentInfo getComponentInfo() {
        return new ComponentInfo(getName(), "tigase-client-proxy", Version.current(), getClass().getName());
    }

    @Override
    public String getDiscoDescription() {
        return "Client proxy";
    }

    @Override
    public String getDiscoCategoryType() {
        return "generic";
    }

    /** Tigase 8.4 deprecates StatisticsList, yet it is still the only way a component reports statistics. */
    @Override
    @SuppressWarnings("deprecation")
    public void getStatistics(StatisticsList list) {
        super.getStatistics(list);
        ProxyCore<Packet> c = core;
        if (c == null) {
            return;
        }
        String name = getName();
        // Gauges go in as long like the counters: Tigase reads a record back as the type it was added with.
        list.add(name, "pending", (long) c.pendingCount(), Level.INFO);
        list.add(name, "online-resources", (long) c.resources().size(), Level.INFO);
        list.add(name, "subscription", c.subscriptionState().key(), Level.INFO);
        list.add(name, "mappings", (long) c.mappingCount(), Level.FINE);
        list.add(name, "service-subscribers", (long) c.serviceSubscriberCount(), Level.FINE);
        for (Map.Entry<String, Long> e : c.counters().snapshot().entrySet()) {
            list.add(name, e.getKey(), e.getValue(), INFO_COUNTERS.contains(e.getKey()) ? Level.INFO : Level.FINE);
        }
        for (TargetResource r : c.resources().snapshot()) {
            list.add(name, "resource/" + r.jid().resource() + "/state", r.liveness().state().key(), Level.INFO);
        }
        for (Map.Entry<String, Long> e : c.resourceFigures().entrySet()) {
            // The state went in above, by name: a record is read back as the type it was added with.
            if (!e.getKey().endsWith("/state")) {
                list.add(name, e.getKey(), e.getValue(), Level.FINE);
            }
        }
        list.add(name, "internal-errors", internalErrors.sum(), Level.FINE);
        list.add(name, "dropped/not-a-stanza", unknownStanzas.sum(), Level.FINE);
        RosterApproval approval = rosterApproval;
        if (approval != null) {
            list.add(name, "roster-approvals", approval.written(), Level.FINE);
        }
        list.add(name, "class-path-copies", (long) classPathCopies, classPathCopies > 1 ? Level.INFO : Level.FINE);
    }

    /** Counters shown at Tigase's default statistics level (INFO); the rest at FINE. */
    private static final java.util.Set<String> INFO_COUNTERS = java.util.Set.of(
            io.clientproxy.core.Counter.REQUESTS_FORWARDED.key(), io.clientproxy.core.Counter.REPLIES_DELIVERED.key(),
            io.clientproxy.core.Counter.REQUESTS_MOVED.key(), io.clientproxy.core.Counter.TIMEOUTS.key(),
            io.clientproxy.core.Counter.ERRORS_SENT.key(), io.clientproxy.core.Counter.BOUNCES.key());

    /** The core, for tests and the statistics. */
    ProxyCore<Packet> core() {
        return core;
    }
}
