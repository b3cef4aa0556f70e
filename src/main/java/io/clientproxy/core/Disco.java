package io.clientproxy.core;

/**
 * Service discovery (XEP-0030): whether the component answers a disco#info or disco#items get
 * itself (sections 3 and 4: the identity and features of the {@code disco-info} setting, an empty
 * item list) or forwards it to the target like any request, as the {@code disco} setting says.
 * Disco of the ad-hoc commands node is {@link AdminCommands}'.
 */
final class Disco<S> {
    private final ProxySettings settings;
    private final Jid component;
    private final Jid target;
    private final ResourcePool pool;
    private final ProxyCounters counters;
    private final Outbox<S> outbox;
    private final Refusals<S> refusals;

    Disco(ProxySettings settings, Jid component, ResourcePool pool, ProxyCounters counters, Outbox<S> outbox,
          Refusals<S> refusals) {
        this.settings = settings;
        this.component = component;
        this.target = settings.target();
        this.pool = pool;
        this.counters = counters;
        this.outbox = outbox;
        this.refusals = refusals;
    }

    /**
     * Whether the component answers a disco#info or disco#items get itself rather than forwarding
     * it. The server's own queries (see {@link #isServer}) are answered whenever no resource of
     * the target is online, whatever {@code disco} says (the server lists its services from that
     * answer, and an error hides the service until it asks again), and always when {@code
     * allowed-senders} does not let them reach the target.
     *
     * @param namespace the namespace of the get's child
     * @param sender    the query's {@code from}
     * @param addressed the address it was sent to (the component's, as the sender wrote it)
     */
    boolean answersLocally(String namespace, Jid sender, Jid addressed) {
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

    /**
     * Answers a disco get from the component: the {@code disco-info} identity and features for
     * disco#info, no items for disco#items, echoing the {@code node} asked about; {@code
     * forbidden} for a sender that {@code allowed-senders} keeps out (the target and the server
     * always get an answer).
     */
    void answer(S stanza, Jid from, Jid to, String namespace) {
        if (!settings.allowedSenders().allows(to) && !to.hasBare(target.bare()) && !isServer(to, from)) {
            refusals.reject(stanza, from, to, Refusals.NOT_ALLOWED);
            return;
        }
        counters.count(Counter.DISCO_ANSWERED);
        Payload asked = outbox.childOf(stanza);
        String node = asked == null ? null : asked.attr("node");
        outbox.result(stanza, from, to, DiscoInfo.INFO_NS.equals(namespace)
                ? settings.discoInfo().toPayload(node)
                : Payload.of("query", DiscoInfo.ITEMS_NS).attr("node", node));
    }
}
