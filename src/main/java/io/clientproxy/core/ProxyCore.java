package io.clientproxy.core;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The routing engine of one proxy: decides what happens to every stanza addressed to the
 * component, from its addressing facts only. It knows nothing of Tigase, sockets or XML; an
 * adapter feeds it stanzas and carries out what it asks through an {@link Outbox}.
 *
 * <p>Thread-safe: adapters may call it from many threads at once. One sender's stanzas should
 * arrive in order (both adapters keep a sender on one thread).
 *
 * @param <S> the adapter's handle on a received stanza
 */
public final class ProxyCore<S> {
    private static final Logger log = Logger.getLogger(ProxyCore.class.getName());

    public static final int DEFAULT_SHARDS = 16;

    static final StanzaError NO_RESOURCE = StanzaError.of(Condition.SERVICE_UNAVAILABLE,
            "the service has no online resource right now");
    static final StanzaError TIMEOUT = StanzaError.of(Condition.REMOTE_SERVER_TIMEOUT,
            "the service did not answer in time");
    static final StanzaError RESOURCE_LEFT = StanzaError.of(Condition.RECIPIENT_UNAVAILABLE,
            "the service resource handling this request went offline before answering; "
                    + "it may or may not have acted on it");
    static final StanzaError NO_ID = StanzaError.of(Condition.BAD_REQUEST, "an IQ request needs an id");
    static final StanzaError BAD_TYPE = StanzaError.of(Condition.BAD_REQUEST,
            "an IQ type must be get, set, result or error");
    static final StanzaError NOT_ONE_CHILD = StanzaError.of(Condition.BAD_REQUEST,
            "an IQ get or set carries exactly one child element");
    static final StanzaError MESSAGES_OFF = StanzaError.of(Condition.FEATURE_NOT_IMPLEMENTED,
            "this service proxies IQ requests only");
    static final StanzaError UNKNOWN_SENDER = StanzaError.of(Condition.ITEM_NOT_FOUND,
            "no sender is mapped to this address");
    static final StanzaError TARGET_TO_COMPONENT = StanzaError.of(Condition.SERVICE_UNAVAILABLE,
            "the proxy offers no service of its own to the target account");
    static final StanzaError OUTBOUND_OFF = StanzaError.of(Condition.FEATURE_NOT_IMPLEMENTED,
            "requests from the implementing client to senders are not enabled");
    static final StanzaError NOT_ALLOWED = StanzaError.of(Condition.FORBIDDEN,
            "this service is not open to you");
    static final StanzaError ADMINS_ONLY = StanzaError.of(Condition.FORBIDDEN,
            "the proxy's commands are for its administrators");
    static final StanzaError SHUTTING_DOWN = new StanzaError(Condition.SERVICE_UNAVAILABLE, ErrorType.WAIT,
            "the proxy is shutting down");
    static final StanzaError RESOURCE_BOUNCED = StanzaError.of(Condition.RECIPIENT_UNAVAILABLE,
            "the service resource handling this request went away before answering; "
                    + "it may or may not have acted on it");

    /**
     * How long (ms) new requests avoid a resource that bounced one, unless its presence comes
     * first. Short: a server's bounce is followed within milliseconds by the unavailable
     * presence, while a bot's own {@code service-unavailable} (the usual answer to a request it
     * does not support, RFC 6120 8.3.3.19) looks the same and must not take it out for long.
     */
    static final long SUSPECT_MILLIS = 5_000;

    /**
     * The conditions of an error from the resource holding a request that mean "this session is
     * going away" (RFC 6120 8.3.3): what Tigase, Prosody (XEP-0198 hibernation ending) and others
     * answer for a dying session before its unavailable presence arrives.
     */
    private static boolean isBounce(String condition) {
        return condition != null && switch (condition) {
            case "recipient-unavailable", "service-unavailable", "remote-server-not-found", "not-authorized" -> true;
            default -> false;
        };
    }

    private final ProxySettings settings;
    private final Jid component;
    private final Jid target;
    private final Outbox<S> outbox;
    private final Balancer balancer;
    private final LongSupplier clock;
    private final ProxyCounters counters = new ProxyCounters();
    private final ResourcePool pool = new ResourcePool();
    private final JatTable<S> table;
    private final TargetSubscription subscription;
    private final AdminCommands commands = new AdminCommands(this);
    private volatile java.util.function.Predicate<Jid> admins = jid -> false;
    /** The adapter's own counters, for the {@code counters} admin command. */
    private volatile java.util.function.Supplier<java.util.Map<String, Long>> adapterCounters = java.util.Map::of;
    /** This node's view of the other nodes of a cluster; null when not in one. */
    private volatile ClusterPeers<S> peers;
    /** Set by shutdown(): requests that arrive afterwards are refused, not left pending. */
    private volatile boolean closed;

    /**
     * @param component the component's own address toward the target ({@code proxy.example.com}):
     *                  it subscribes from there and the target answers to {@code component/<token>}
     * @param clock     monotonic milliseconds
     */
    public ProxyCore(ProxySettings settings, Jid component, Outbox<S> outbox, Balancer balancer,
                     LongSupplier clock, int shards) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.component = Objects.requireNonNull(component, "component").asBare();
        this.target = settings.target();
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.table = new JatTable<>(settings, this.component, shards, counters);
        this.subscription = new TargetSubscription(settings.resubscribeMin().toMillis(), settings.resubscribeMax().toMillis());
    }

    /** A core with the balancer the settings name, the system's monotonic clock and the default shards. */
    public ProxyCore(ProxySettings settings, Jid component, Outbox<S> outbox) {
        this(settings, component, outbox, settings.balancer().create(), ProxyCore::monotonicMillis, DEFAULT_SHARDS);
    }

    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000L;
    }

    /**
     * Asks the target for its presence. Call once the component can send (Tigase started, the
     * external component stream authenticated), and again after every reconnect. The probe
     * follows when {@code subscribed} comes back: never before, as a server may take a probe from
     * an unapproved contact as a denial.
     */
    public void start() {
        closed = false;
        subscription.reset();
        sendSubscribe();
    }

    private void sendSubscribe() {
        counters.count(Counter.SUBSCRIBES_SENT);
        subscription.requested(clock.getAsLong());
        outbox.presence(component, target, "subscribe");
    }

    private void sendProbe() {
        counters.count(Counter.PROBES_SENT);
        outbox.presence(component, target, "probe");
    }

    /** The error for a request while no resource is known, saying why when the subscription is the reason. */
    private StanzaError noResource() {
        String why = subscription.state().whyNoResource();
        return why == null ? NO_RESOURCE : StanzaError.of(Condition.SERVICE_UNAVAILABLE,
                "the service has no online resource the proxy knows of: " + why);
    }

    // ---------------------------------------------------------------- IQ

    /**
     * An IQ addressed to the component.
     *
     * @param to       the address the sender used (the component's, with or without resource or localpart)
     * @param type     the raw {@code type} attribute
     * @param children how many child elements the IQ has
     */
    public void onIq(S stanza, Jid from, Jid to, String id, String type, int children) {
        onIq(stanza, from, to, id, type, children, null);
    }

    /**
     * An IQ addressed to the component, with the namespace of its child (which decides, for
     * example, whether it is a service discovery query).
     */
    public void onIq(S stanza, Jid from, Jid to, String id, String type, int children, String childNamespace) {
        onIq(stanza, from, to, id, type, children, childNamespace, null);
    }

    /**
     * An IQ addressed to the component.
     *
     * @param id             the id's value (entities decoded: ids are compared as values)
     * @param errorCondition for an IQ of type error: the element name of the defined condition in
     *                       its {@code <error/>} (RFC 6120 8.3.3), e.g. {@code recipient-unavailable};
     *                       otherwise null. An error from the resource holding a get that says the
     *                       resource is going away moves the get to another resource (each at most once).
     */
    public void onIq(S stanza, Jid from, Jid to, String id, String type, int children, String childNamespace,
                     String errorCondition) {
        if (from == null) {
            drop(DropReason.NO_FROM, stanza);
            return;
        }
        Jid replyFrom = to == null ? component : to;
        IqType iqType = IqType.parse(type);
        if (iqType == null) {
            reject(stanza, replyFrom, from, BAD_TYPE);
            return;
        }
        boolean fromTarget = from.hasBare(target.bare());
        // Cut out once: Jid keeps only its full string.
        String toResource = to == null ? null : to.resource();
        if (!iqType.isRequest()) {
            if (!fromTarget && settings.outboundRequests() && id != null) {
                deliverOutboundReply(stanza, from, id);
            } else if (!fromTarget) {
                drop(DropReason.NOT_FROM_TARGET, stanza);
            } else if (id == null || id.isEmpty()) {
                drop(DropReason.NO_ID, stanza);
            } else if (toResource == null) {
                drop(DropReason.UNKNOWN_TOKEN, stanza);
            } else if (iqType == IqType.ERROR && isBounce(errorCondition)) {
                bounced(stanza, from, toResource, id);
            } else {
                deliverReply(stanza, from, toResource, id);
            }
            return;
        }
        if (id == null || id.isEmpty()) {
            reject(stanza, replyFrom, from, NO_ID);
        } else if (closed) {
            reject(stanza, replyFrom, from, SHUTTING_DOWN);
        } else if (children != 1) {
            reject(stanza, replyFrom, from, NOT_ONE_CHILD);
        } else if (iqType == IqType.SET && AdminCommands.NS.equals(childNamespace)) {
            runCommand(stanza, replyFrom, from);
        } else if (iqType == IqType.GET && isAboutCommands(stanza, childNamespace)) {
            answerCommandDisco(stanza, replyFrom, from, childNamespace);
        } else if (iqType == IqType.GET && answersDiscoLocally(childNamespace, from, replyFrom)) {
            answerDisco(stanza, replyFrom, from, childNamespace);
        } else if (fromTarget && toResource != null && settings.outboundRequests()) {
            forwardOutbound(stanza, from, to, toResource, id, iqType);
        } else if (fromTarget) {
            reject(stanza, replyFrom, from, toResource != null ? OUTBOUND_OFF : TARGET_TO_COMPONENT);
        } else {
            forwardRequest(stanza, from, replyFrom, id, iqType);
        }
    }

    /** A disco query about the commands node or one command: the proxy's own, never the target's. */
    private boolean isAboutCommands(S stanza, String namespace) {
        if (!DiscoInfo.INFO_NS.equals(namespace) && !DiscoInfo.ITEMS_NS.equals(namespace)) {
            return false;
        }
        Payload query = outbox.childOf(stanza);
        String node = query == null ? null : query.attr("node");
        return node != null && (DiscoInfo.ITEMS_NS.equals(namespace) ? AdminCommands.NS.equals(node)
                : AdminCommands.Command.of(node) != null);
    }

    private void answerCommandDisco(S stanza, Jid from, Jid to, String namespace) {
        boolean admin = admins.test(to);
        if (DiscoInfo.ITEMS_NS.equals(namespace)) {
            outbox.result(stanza, from, to, AdminCommands.items(from, admin));
        } else if (admin) {
            outbox.result(stanza, from, to, AdminCommands.nodeInfo(outbox.childOf(stanza).attr("node")));
        } else {
            reject(stanza, from, to, ADMINS_ONLY);
        }
    }

    private void runCommand(S stanza, Jid from, Jid to) {
        if (!admins.test(to)) {
            reject(stanza, from, to, ADMINS_ONLY);
            return;
        }
        AdminCommands.Reply reply = commands.execute(outbox.childOf(stanza));
        if (reply.error() != null) {
            reject(stanza, from, to, reply.error());
        } else {
            counters.count(Counter.COMMANDS_RUN);
            log.info(() -> "admin " + to + " ran command " + reply.command().attr("node") + " (" + reply.command().attr("status") + ")");
            outbox.result(stanza, from, to, reply.command());
        }
    }

    /**
     * The adapter's own counters (connection, parser, limits), shown by the {@code counters} admin
     * command after the core's; none unless set.
     */
    public void setAdapterCounters(java.util.function.Supplier<java.util.Map<String, Long>> counters) {
        this.adapterCounters = Objects.requireNonNull(counters, "counters");
    }

    java.util.Map<String, Long> adapterCounters() {
        return adapterCounters.get();
    }


    /** Who may run the admin commands (Tigase's admins, or the standalone {@code admins} option). */
    public void setAdmins(java.util.function.Predicate<Jid> admins) {
        this.admins = Objects.requireNonNull(admins, "admins");
    }

    /**
     * Takes a resource out of the pool as if it had gone offline (admin command): its pending
     * gets move, its sets are answered. Its next presence brings it back.
     *
     * @return false if it was not online
     */
    public boolean dropResource(Jid jid) {
        if (find(jid) == null) {
            return false;
        }
        resourceOffline(jid);
        return true;
    }

    /**
     * Whether the component answers a disco#info or disco#items get (XEP-0030 sections 3 and 4)
     * itself rather than forwarding it. The server's own queries (see {@link #isServer}) are
     * answered whenever no resource of the target is online, whatever {@code disco} says (the
     * server lists its services from that answer, and an error hides the service until it asks
     * again), and always when {@code allowed-senders} does not let them reach the target.
     *
     * @param sender    the query's {@code from}
     * @param addressed the address it was sent to (the component's, as the sender wrote it)
     */
    private boolean answersDiscoLocally(String namespace, Jid sender, Jid addressed) {
        if (!DiscoInfo.INFO_NS.equals(namespace) && !DiscoInfo.ITEMS_NS.equals(namespace)) {
            return false;
        }
        boolean server = isServer(sender, addressed);
        if (server && !settings.allowedSenders().allows(sender)) {
            return true;
        }
        return switch (settings.disco()) {
            case FORWARD -> server && pool.size() == 0;
            case LOCAL -> true;
            case FALLBACK -> pool.size() == 0;
        };
    }

    /**
     * Whether {@code sender} is the XMPP server itself or one of its own components: an address
     * with no resource whose domain is the target's domain or the parent domain of the address the
     * stanza was sent to ({@code example.com} for {@code proxy.example.com}): {@code example.com},
     * or Tigase's {@code sess-man@example.com}. No user can send from such an address: a server
     * stamps every stanza from a client with the client's full JID (RFC 6120 section 8.1.2.1), and
     * a remote server or another component can only send from its own domain (RFC 6120 section
     * 8.1.2.2, XEP-0114), so a {@code from} without resource on these domains was written by the server
     * (itself, a component, or a service it runs for an account, such as PEP).
     */
    boolean isServer(Jid sender, Jid addressed) {
        if (!sender.isBare()) {
            return false;
        }
        String domain = sender.domain();
        if (domain.equalsIgnoreCase(target.domain())) {
            return true;
        }
        String componentDomain = (addressed == null ? component : addressed).domain();
        int dot = componentDomain.indexOf('.');
        return dot > 0 && dot < componentDomain.length() - 1 && domain.equalsIgnoreCase(componentDomain.substring(dot + 1));
    }

    private void answerDisco(S stanza, Jid from, Jid to, String namespace) {
        if (!settings.allowedSenders().allows(to) && !to.hasBare(target.bare()) && !isServer(to, from)) {
            reject(stanza, from, to, NOT_ALLOWED);
            return;
        }
        counters.count(Counter.DISCO_ANSWERED);
        Payload asked = outbox.childOf(stanza);
        String node = asked == null ? null : asked.attr("node");
        outbox.result(stanza, from, to, DiscoInfo.INFO_NS.equals(namespace)
                ? settings.discoInfo().toPayload(node)
                : Payload.of("query", DiscoInfo.ITEMS_NS).attr("node", node));
    }

    /**
     * The online resources a sender's request or message may go to; null, after answering it,
     * when the sender is not allowed or no resource is online.
     */
    private TargetResource[] resourcesFor(S stanza, Jid sender, Jid addressUsed, long now) {
        if (!settings.allowedSenders().allows(sender)) {
            reject(stanza, addressUsed, sender, NOT_ALLOWED);
            return null;
        }
        TargetResource[] online = pool.preferred(now);
        if (online.length == 0) {
            reject(stanza, addressUsed, sender, noResource());
            return null;
        }
        return online;
    }

    private void forwardRequest(S stanza, Jid sender, Jid addressUsed, String id, IqType type) {
        long now = clock.getAsLong();
        TargetResource[] online = resourcesFor(stanza, sender, addressUsed, now);
        if (online == null) {
            return;
        }
        Outcome outcome = table.admit(sender, id, stanza, addressUsed, type, online, balancer, now);
        if (outcome instanceof StanzaError error) {
            reject(stanza, addressUsed, sender, error);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        TargetResource resource = request.resource;
        if (log.isLoggable(Level.FINEST)) {
            log.finest("request " + sender + " -> " + addressUsed + " id=" + id + " forwarded as "
                    + request.mapping.encoded + " -> " + resource.jid());
        }
        counters.count(Counter.REQUESTS_FORWARDED, table.shardOfSender(sender));
        outbox.forwardRequest(stanza, request.mapping.encoded, resource.jid(), request.forwardId());
        if (!resource.isOnline()) {
            // The resource left between the pick and now, and the sweep may have missed this request.
            relocate(request, resource);
        }
    }

    private void deliverReply(S stanza, Jid from, String token, String id) {
        Outcome outcome = table.settleReply(token, id, from, clock.getAsLong());
        if (outcome instanceof DropReason reason) {
            dropOrHandOver(reason, stanza, token);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        if (log.isLoggable(Level.FINEST)) {
            log.finest("reply " + from + " id=" + id + " delivered " + request.addressUsed + " -> " + request.sender());
        }
        counters.count(Counter.REPLIES_DELIVERED, table.shardOfSender(request.sender()));
        outbox.forwardAnswer(stanza, request.stanza, request.addressUsed, request.sender());
    }

    /**
     * The resource holding a request answered it with an error that says the resource is going
     * away (see {@link #isBounce}): the resource is avoided for a while, a get moves to a
     * resource it has not been on, a set is answered {@code recipient-unavailable} (it may have
     * been acted on). A get that has been on every online resource gets this error as its answer.
     */
    private void bounced(S stanza, Jid from, String token, String id) {
        Outcome outcome = table.pendingReply(token, id, from);
        if (outcome instanceof DropReason reason) {
            dropOrHandOver(reason, stanza, token);
            return;
        }
        @SuppressWarnings("unchecked")
        JatTable.Held<S> held = (JatTable.Held<S>) outcome;
        PendingRequest<S> request = held.request();
        long now = clock.getAsLong();
        counters.count(Counter.BOUNCES);
        pool.suspect(held.resource(), now + SUSPECT_MILLIS);
        log.fine(() -> "target resource " + from + " bounced request id=" + id + "; avoided for "
                + SUSPECT_MILLIS + " ms unless its presence comes");
        TargetResource replacement = request.type == IqType.GET ? untried(request, held.resource(), now) : null;
        Boolean moved = table.moveOrSettle(request, held.resource(), replacement, now);
        if (moved == null) {
            drop(DropReason.NOT_PENDING, stanza);
        } else if (moved) {
            sendMoved(request, replacement);
            if (!replacement.isOnline()) {
                relocate(request, replacement);
            }
        } else if (request.type == IqType.GET) {
            // Every resource has had it: this is the target's answer.
            counters.count(Counter.REPLIES_DELIVERED, table.shardOfSender(request.sender()));
            outbox.forwardAnswer(stanza, request.stanza, request.addressUsed, request.sender());
        } else {
            reject(request.stanza, request.addressUsed, request.sender(), RESOURCE_BOUNCED);
        }
    }

    /**
     * A resource for a get that leaves {@code current}: one it has not been on, preferring those
     * that have not bounced a request lately; null when there is none.
     */
    private TargetResource untried(PendingRequest<S> request, TargetResource current, long now) {
        TargetResource pick = pickAmong(pool.preferred(now), request, current);
        return pick != null ? pick : pickAmong(pool.snapshot(), request, current);
    }

    private TargetResource pickAmong(TargetResource[] online, PendingRequest<S> request, TargetResource current) {
        TargetResource[] candidates = new TargetResource[online.length];
        int n = 0;
        for (TargetResource r : online) {
            if (r != current && !request.hasTried(r)) {
                candidates[n++] = r;
            }
        }
        if (n == 0) {
            return null;
        }
        return balancer.pick(n == online.length ? online : java.util.Arrays.copyOf(candidates, n), request.sender());
    }

    /** A request from the target to {@code <component>/<token>}: on to the sender the token maps. */
    private void forwardOutbound(S stanza, Jid requester, Jid encoded, String token, String id, IqType type) {
        TargetResource resource = find(requester);
        if (resource == null) {
            // Its presence has not arrived (yet): the answer can still go back to it.
            resource = new TargetResource(requester, 0);
        }
        Outcome outcome = table.admitOutbound(token, id, stanza, type, resource, clock.getAsLong());
        if (outcome instanceof StanzaError error) {
            if (error != JatTable.UNKNOWN_SENDER) {
                reject(stanza, encoded, requester, error);
            } else if (!handOver(stanza, token)) {
                unknownHere(stanza, encoded, requester, error);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        if (log.isLoggable(Level.FINEST)) {
            log.finest("outbound " + requester + " id=" + id + " -> " + request.addressUsed + " -> " + request.sender());
        }
        counters.count(Counter.OUTBOUND_FORWARDED);
        outbox.forward(stanza, request.addressUsed, request.sender());
        if (!resource.isOnline()) {
            relocate(request, resource);
        }
    }

    private void deliverOutboundReply(S stanza, Jid from, String id) {
        Outcome outcome = table.settleOutboundReply(from, id, clock.getAsLong());
        if (outcome instanceof DropReason reason) {
            drop(reason, stanza);
            return;
        }
        @SuppressWarnings("unchecked")
        PendingRequest<S> request = (PendingRequest<S>) outcome;
        counters.count(Counter.OUTBOUND_REPLIES_DELIVERED);
        outbox.forward(stanza, request.mapping.encoded, request.resource.jid());
    }

    // ---------------------------------------------------------------- message

    /** A message addressed to the component. */
    public void onMessage(S stanza, Jid from, Jid to, String type) {
        if (from == null) {
            drop(DropReason.NO_FROM, stanza);
            return;
        }
        Jid replyFrom = to == null ? component : to;
        boolean error = "error".equals(type);
        boolean fromTarget = from.hasBare(target.bare());
        if (!settings.messages()) {
            if (error) {
                drop(DropReason.ERROR_STANZA, stanza);
            } else {
                reject(stanza, replyFrom, from, MESSAGES_OFF);
            }
        } else if (fromTarget && to != null && !to.isBare()) {
            messageToSender(stanza, from, to, error);
        } else if (fromTarget) {
            if (error) {
                drop(DropReason.ERROR_STANZA, stanza);
            } else {
                reject(stanza, replyFrom, from, TARGET_TO_COMPONENT);
            }
        } else if (error) {
            bounceToTarget(stanza, from);
        } else {
            messageToTarget(stanza, from, replyFrom);
        }
    }

    /** A sender's message goes to one resource, the same for a sender while it is online, so a conversation stays together. */
    private void messageToTarget(S stanza, Jid sender, Jid addressUsed) {
        long now = clock.getAsLong();
        TargetResource[] online = resourcesFor(stanza, sender, addressUsed, now);
        if (online == null) {
            return;
        }
        Outcome outcome = table.mapMessageSender(sender, addressUsed, now);
        if (outcome instanceof StanzaError e) {
            reject(stanza, addressUsed, sender, e);
            return;
        }
        Jid encoded = ((JatTable.Route) outcome).from();
        counters.count(Counter.MESSAGES_TO_TARGET);
        outbox.forwardToOneResource(stanza, encoded, Balancer.rendezvous(online, sender).jid());
    }

    private void messageToSender(S stanza, Jid resource, Jid encoded, boolean error) {
        JatTable.Route route = table.routeToSender(encoded.resource(), resource);
        if (route == null) {
            if (handOver(stanza, encoded.resource())) {
                return;
            }
            if (error) {
                drop(DropReason.UNKNOWN_TOKEN, stanza);
            } else {
                unknownHere(stanza, encoded, resource, UNKNOWN_SENDER);
            }
            return;
        }
        counters.count(Counter.MESSAGES_TO_SENDERS);
        outbox.forward(stanza, route.from(), route.to());
    }

    /** A message error from a sender answers a message the target sent it: back to that resource. */
    private void bounceToTarget(S stanza, Jid sender) {
        JatTable.Route route = table.routeBounce(sender);
        if (route == null) {
            drop(DropReason.ERROR_STANZA, stanza);
            return;
        }
        counters.count(Counter.MESSAGE_BOUNCES);
        outbox.forward(stanza, route.from(), route.to());
    }

    // ---------------------------------------------------------------- presence

    /**
     * A presence addressed to the component.
     *
     * @param type     the raw {@code type} attribute, null for available
     * @param priority the {@code <priority/>} value, 0 when absent
     */
    public void onPresence(S stanza, Jid from, Jid to, String type, int priority) {
        if (from == null) {
            drop(DropReason.NO_FROM, stanza);
            return;
        }
        if (!from.hasBare(target.bare())) {
            presenceFromOther(stanza, from, to, type);
            return;
        }
        if (type == null) {
            if (from.resource() == null) {
                drop(DropReason.PRESENCE_IGNORED, stanza);
            } else {
                resourceOnline(from, priority, null);
                announce(new TargetEvent(TargetEvent.Kind.ONLINE, from, priority));
            }
            return;
        }
        switch (type) {
            case "unavailable" -> {
                if (from.resource() == null) {
                    allResourcesOffline();
                    announce(TargetEvent.of(TargetEvent.Kind.ALL_OFFLINE));
                } else {
                    resourceOffline(from);
                    announce(new TargetEvent(TargetEvent.Kind.OFFLINE, from, 0));
                }
            }
            case "error" -> {
                if (from.resource() != null) {
                    resourceOffline(from);
                    announce(new TargetEvent(TargetEvent.Kind.OFFLINE, from, 0));
                } else {
                    // A stanza the proxy sent the account bounced (RFC 6121 3.1.3, 4.3.2): the
                    // resources' presence is not in question, the subscription is; ask again.
                    counters.count(Counter.SUBSCRIPTION_BOUNCES);
                    long wait = subscription.bounced(clock.getAsLong());
                    report(() -> "target " + target + " bounced the proxy's presence (error presence from its bare JID: "
                            + "its server is unreachable or the account does not exist yet); asking again in "
                            + wait / 1000 + " s");
                }
            }
            case "subscribed" -> approved();
            case "unsubscribed", "unsubscribe" -> {
                allResourcesOffline();
                announce(TargetEvent.of(TargetEvent.Kind.DENIED));
                counters.count(Counter.SUBSCRIPTION_DENIALS);
                long wait = subscription.denied(clock.getAsLong());
                report(() -> "target " + target + " sent '" + type + "': it does not let the proxy see its presence, so no "
                        + "request can reach it; the account " + target + " must approve the presence subscription from "
                        + component + " (any client can); asking again in " + wait / 1000 + " s");
            }
            case "subscribe" -> outbox.presence(component, target, "subscribed");
            case "probe" -> outbox.presence(component, from, null);
            default -> drop(DropReason.PRESENCE_IGNORED, stanza);
        }
    }

    /**
     * The subscription is approved although no {@code subscribed} came: an adapter wrote it into
     * the target's roster on the server (Tigase's {@code user-roster-management} command). As for
     * {@code subscribed}: the component probes, and the other cluster nodes learn it.
     */
    public void approvedOnServer() {
        approved();
    }

    private void approved() {
        subscription.confirmed(clock.getAsLong());
        sendProbe();
        announce(TargetEvent.of(TargetEvent.Kind.SUBSCRIBED));
    }

    /** A resource is online, its presence seen by cluster node {@code node} (null: here). */
    private void resourceOnline(Jid jid, int priority, String node) {
        subscription.presenceSeen();
        if (pool.upsert(jid, priority, node)) {
            counters.count(Counter.RESOURCES_ONLINE_EVENTS);
            log.fine(() -> "target resource online: " + jid + " priority " + priority + (node == null ? "" : " at node " + node));
        }
    }

    // ---------------------------------------------------------------- cluster

    /**
     * Makes this core one node of a cluster (see {@link ClusterPeers}): from now on what it learns
     * of the target's presence goes to the other nodes, answers to encoded addresses it does not
     * know are handed to the node that issued them, and new opaque tokens name this node. Call
     * before the first request.
     *
     * @param localNode this node's name, as the other nodes know it
     */
    public void joinCluster(String localNode, ClusterLink<S> link) {
        table.nodeTag(ClusterPeers.tagOf(localNode));
        peers = new ClusterPeers<>(localNode, link);
    }

    /**
     * Another node joined, or this node's instance came up while it was there: it learns what this
     * node knows first-hand (the subscription, the resources whose presence came here) and is asked
     * for what it knows ({@link TargetEvent.Kind#HELLO}). Asking matters after a restart while no
     * target resource is online: Tigase holds the {@code subscribe} for the offline account, so the
     * subscription is known only to the other nodes, and what they sent when the link came up may
     * have arrived before this instance existed.
     */
    public void nodeConnected(String node) {
        ClusterPeers<S> p = peers;
        if (p == null || node.equals(p.localNode())) {
            return;
        }
        tell(p, node);
        p.send(node, TargetEvent.of(TargetEvent.Kind.HELLO));
    }

    /** What this node knows first-hand, to {@code node}. */
    private void tell(ClusterPeers<S> p, String node) {
        if (subscription.isConfirmed()) {
            p.send(node, TargetEvent.of(TargetEvent.Kind.SUBSCRIBED));
        }
        for (TargetResource r : pool.ofNode(null)) {
            p.send(node, new TargetEvent(TargetEvent.Kind.ONLINE, r.jid(), r.priority()));
        }
    }

    /**
     * A node left the cluster: the resources whose sessions were there are gone, and the requests
     * pending with them are settled as for any resource that goes offline (gets move, sets get
     * {@code recipient-unavailable}).
     */
    public void nodeDisconnected(String node) {
        for (TargetResource r : pool.ofNode(node)) {
            log.fine(() -> "cluster node " + node + " left with target resource " + r.jid());
            resourceOffline(r.jid());
        }
    }

    /** A fact about the target's presence from cluster node {@code fromNode}. */
    public void onClusterEvent(String fromNode, TargetEvent event) {
        if (event.kind() != TargetEvent.Kind.HELLO) {
            counters.count(Counter.CLUSTER_EVENTS);
        }
        switch (event.kind()) {
            case ONLINE -> resourceOnline(event.resource(), event.priority(), fromNode);
            case OFFLINE -> {
                TargetResource r = find(event.resource());
                // Only the node that had its session may say it left: it may have moved here meanwhile.
                if (r != null && fromNode.equals(r.node())) {
                    resourceOffline(event.resource());
                }
            }
            case ALL_OFFLINE -> allResourcesOffline();
            case SUBSCRIBED -> subscription.confirmedElsewhere();
            case DENIED -> {
                allResourcesOffline();
                subscription.denied(clock.getAsLong());
            }
            case HELLO -> {
                ClusterPeers<S> p = peers;
                if (p != null && !fromNode.equals(p.localNode())) {
                    tell(p, fromNode);
                }
            }
        }
    }

    /**
     * Processes a stanza another node handed over ({@link ClusterLink#handOver}): the adapter
     * passes it to the core inside {@code processing}; it is never handed on again.
     */
    public void handedOver(Runnable processing) {
        ClusterPeers<S> p = peers;
        if (p == null) {
            processing.run();
        } else {
            p.handedOver(processing);
        }
    }

    /**
     * A request or message from the target to an encoded address that maps nobody here. Answered
     * with the error, unless another node handed it over: the node it came from, or another it
     * went to, may know the address, and one answer at most may come back.
     */
    private void unknownHere(S stanza, Jid encoded, Jid asker, StanzaError error) {
        ClusterPeers<S> p = peers;
        if (p != null && p.isHandedOver()) {
            drop(DropReason.UNKNOWN_TOKEN, stanza);
        } else {
            reject(stanza, encoded, asker, error);
        }
    }

    private void announce(TargetEvent event) {
        ClusterPeers<S> p = peers;
        if (p != null) {
            p.announce(event);
        }
    }

    /** A reply that finds no request here: handed to another node when its token is not this node's, else dropped. */
    private void dropOrHandOver(DropReason reason, S stanza, String token) {
        if (reason != DropReason.UNKNOWN_TOKEN || !handOver(stanza, token)) {
            drop(reason, stanza);
        }
    }

    /** A stanza to an encoded address this node does not know: to the node(s) that may know it. */
    private boolean handOver(S stanza, String token) {
        ClusterPeers<S> p = peers;
        if (p != null && p.handOver(stanza, table.nodeTagOf(token))) {
            counters.count(Counter.HANDED_OVER);
            return true;
        }
        return false;
    }

    private void presenceFromOther(S stanza, Jid from, Jid to, String type) {
        if ("error".equals(type)) {
            drop(DropReason.ERROR_STANZA, stanza);
        } else if ("subscribe".equals(type)) {
            // Only the target is subscribed to; a clear denial keeps the asker from waiting forever.
            outbox.presence(to == null ? component : to.asBare(), from.asBare(), "unsubscribed");
        } else {
            drop(DropReason.PRESENCE_IGNORED, stanza);
        }
    }

    private void resourceOffline(Jid jid) {
        TargetResource gone = find(jid);
        if (gone == null || !pool.remove(jid)) {
            return;
        }
        counters.count(Counter.RESOURCES_OFFLINE_EVENTS);
        log.fine(() -> "target resource offline: " + jid);
        for (PendingRequest<S> request : table.pointingAt(gone)) {
            relocate(request, gone);
        }
    }

    private void allResourcesOffline() {
        TargetResource[] before = pool.snapshot();
        pool.clear();
        for (TargetResource gone : before) {
            counters.count(Counter.RESOURCES_OFFLINE_EVENTS);
            for (PendingRequest<S> request : table.pointingAt(gone)) {
                relocate(request, gone);
            }
        }
    }

    private TargetResource find(Jid jid) {
        for (TargetResource r : pool.snapshot()) {
            if (r.jid().equals(jid)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Settles a request whose resource went offline, now rather than at its timeout: a get moves
     * to another online resource (gets have no side effects, RFC 6120 8.2.3), a set is answered
     * with an error, since it may have been acted on.
     */
    private void relocate(PendingRequest<S> request, TargetResource gone) {
        TargetResource from = gone;
        while (true) {
            TargetResource replacement = request.type == IqType.GET && !request.outbound
                    ? untried(request, from, clock.getAsLong()) : null;
            Boolean moved = table.moveOrSettle(request, from, replacement, clock.getAsLong());
            if (moved == null) {
                return;
            }
            if (!moved) {
                if (request.outbound) {
                    counters.count(Counter.OUTBOUND_ABANDONED);
                } else {
                    reject(request.stanza, request.addressUsed, request.sender(), RESOURCE_LEFT);
                }
                return;
            }
            sendMoved(request, replacement);
            if (replacement.isOnline()) {
                return;
            }
            from = replacement;
        }
    }

    /** A request that moved: to its new resource, under its new forward id. */
    private void sendMoved(PendingRequest<S> request, TargetResource replacement) {
        counters.count(Counter.REQUESTS_MOVED);
        outbox.forwardRequest(request.stanza, request.mapping.encoded, replacement.jid(), request.forwardId());
    }

    // ---------------------------------------------------------------- time and shutdown

    /** Times out overdue requests, forgets idle mappings, re-subscribes when due. Call about once a second. */
    public void tick() {
        long now = clock.getAsLong();
        table.expire(now, request -> {
            counters.count(Counter.TIMEOUTS);
            answerAsker(request, TIMEOUT);
        });
        switch (subscription.due(now)) {
            case SUBSCRIBE -> {
                if (subscription.state() == SubscriptionState.PENDING) {
                    // Not necessarily a refusal: a server may hold the request for an account with no
                    // resource online until it logs in (Tigase 8.4 does, even when it is approved).
                    report(() -> "target " + target + " has not answered the presence subscription request from "
                            + component + ": either no resource of " + target + " is online (its server may hold "
                            + "the request until one is), or the account " + target + " must approve it (any client "
                            + "can; it lives in the account's roster); meanwhile the proxy knows no resource and every "
                            + "request gets service-unavailable; asking again");
                }
                sendSubscribe();
            }
            case PROBE -> sendProbe();
            default -> {
            }
        }
    }

    /** Answers every pending request with an error and forgets the resources. */
    public void shutdown() {
        closed = true;
        for (PendingRequest<S> request : table.drain(clock.getAsLong())) {
            answerAsker(request, SHUTTING_DOWN);
        }
        pool.clear();
    }

    /**
     * The connection to the server is gone: nothing can be sent now. Forgets the resources (their
     * presence will come again after {@link #start()}) and returns the requests that were pending,
     * settled, for the adapter to answer once it can, or to count as lost.
     */
    public List<S> disconnected() {
        pool.clear();
        return table.drain(clock.getAsLong()).stream().map(r -> r.stanza).toList();
    }

    // ---------------------------------------------------------------- helpers

    /** Answers whoever asked: the sender for an inbound request, the target's resource for an outbound one. */
    private void answerAsker(PendingRequest<S> request, StanzaError error) {
        if (request.outbound) {
            reject(request.stanza, request.mapping.encoded, request.resource.jid(), error);
        } else {
            reject(request.stanza, request.addressUsed, request.sender(), error);
        }
    }

    private void reject(S stanza, Jid from, Jid to, StanzaError error) {
        counters.count(error.condition());
        if (log.isLoggable(Level.FINEST)) {
            log.finest("error " + error.condition().xml() + " " + from + " -> " + to);
        }
        outbox.error(stanza, from, to, error);
    }

    /** A subscription problem, logged at WARNING once per episode, at INFO while it lasts. */
    private void report(java.util.function.Supplier<String> message) {
        log.log(subscription.shouldReport() ? Level.WARNING : Level.INFO, message);
    }

    private void drop(DropReason reason, S stanza) {
        counters.count(reason);
        if (log.isLoggable(Level.FINEST)) {
            log.finest("dropped (" + reason.key() + "): " + stanza);
        }
    }

    // ---------------------------------------------------------------- threading

    /**
     * The shard of the routing state that a stanza from {@code from} to {@code to} will lock: a
     * sender's own stanzas use its shard, and the target's stanzas to an encoded address use the
     * shard of the sender the token stands for. An adapter that processes stanzas on several
     * threads should pick the thread from this: each shard then stays with one thread, so threads
     * never wait for each other or pass the shard's memory between cores, and a request, its
     * reply and its sender's next request keep their order.
     *
     * @return a shard index, from 0 to {@link #DEFAULT_SHARDS} - 1 for a core built with the default shards
     */
    public int affinity(Jid from, Jid to) {
        if (from == null) {
            return 0;
        }
        if (to != null && !to.isBare() && from.hasBare(target.bare())) {
            return Math.max(0, table.shardOfToken(to.resource()));
        }
        return table.shardOfSender(from);
    }

    // ---------------------------------------------------------------- observation

    public ProxyCounters counters() {
        return counters;
    }

    public ResourcePool resources() {
        return pool;
    }

    public int pendingCount() {
        return table.pendingCount();
    }

    public int mappingCount() {
        return table.mappingCount();
    }

    public boolean isSubscribed() {
        return subscription.isConfirmed();
    }

    /** This cluster node's name ({@link #joinCluster}), or {@code this node} when not in a cluster. */
    public String localNode() {
        ClusterPeers<S> p = peers;
        return p == null ? "this node" : p.localNode();
    }

    /** Where the subscription to the target's presence stands. */
    public SubscriptionState subscriptionState() {
        return subscription.state();
    }

    public Jid component() {
        return component;
    }

    public ProxySettings settings() {
        return settings;
    }

    /** The sender an encoded resource stands for now, or null. */
    public Jid senderOf(String token) {
        return table.senderOf(token);
    }
}
