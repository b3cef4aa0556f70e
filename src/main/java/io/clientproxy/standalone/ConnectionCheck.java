package io.clientproxy.standalone;

import io.clientproxy.core.Jid;
import io.clientproxy.core.SubscriptionState;
import io.clientproxy.core.TargetResource;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * {@code --check}: the first thing to run. Connects as the component, asks the target for its
 * presence, and reports step by step what an operator needs to know: whether the server took the
 * component's secret, whether the target approved the subscription (the most likely mistake:
 * then every request gets {@code service-unavailable}), which resources are online, and whether
 * one of them answers an IQ ({@code urn:xmpp:ping}) sent to it from the component. One line per
 * step on {@code out}, then a verdict. Everything within {@code limit}.
 */
final class ConnectionCheck {
    static final int HEALTHY = 0;
    static final int NOT_HEALTHY = 1;
    static final Duration DEFAULT_LIMIT = Duration.ofSeconds(15);

    static final String PING_NS = "urn:xmpp:ping";
    /** After the first presence, how long to wait for the other resources' presence to arrive. */
    private static final Duration MORE_RESOURCES = Duration.ofMillis(500);
    private static final long POLL_MILLIS = 20;

    private final StandaloneSettings settings;
    private final PrintStream out;
    private final Duration limit;
    private final long deadline;

    private ConnectionCheck(StandaloneSettings settings, Duration limit, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.limit = limit;
        this.deadline = System.nanoTime() + limit.toNanos();
    }

    /**
     * Runs the check; returns {@link #HEALTHY} or {@link #NOT_HEALTHY} (also when interrupted). The
     * proxy's own log lines (started, connected, why a connection failed) would only bury the
     * report and repeat what its steps say, so they are off unless the operator brought a logging
     * configuration.
     */
    static int run(StandaloneSettings settings, Duration limit, PrintStream out) {
        Logger quiet = Logger.getLogger("io.clientproxy");
        if (System.getProperty("java.util.logging.config.file") == null && quiet.getLevel() == null) {
            quiet.setLevel(Level.OFF);
        }
        try {
            return new ConnectionCheck(settings, limit, out).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_HEALTHY;
        } finally {
            // LogManager holds loggers weakly: keep this one, and so its level, until the check is done.
            Reference.reachabilityFence(quiet);
        }
    }

    private int run() throws InterruptedException {
        Jid target = settings.proxy().target();
        String server = settings.serverHost() + ":" + settings.serverPort();
        out.println("checking component " + settings.componentDomain() + " at " + server + " for target " + target
                + " (at most " + seconds(limit) + ")");
        // One attempt: a check that retried would only report the failure later, between log lines.
        try (StandaloneProxy proxy = StandaloneProxy.start(settings, false)) {
            if (!proxy.awaitConnected(left())) {
                return failed("connection", connectionFailure(proxy.fatalCause(), server));
            }
            step("connection", "ok, authenticated as " + settings.componentDomain());

            // Wait for an answer: approved, denied, or bounced by the target's server.
            await(() -> proxy.core().subscriptionState() != SubscriptionState.PENDING
                    && proxy.core().subscriptionState() != SubscriptionState.NEVER_ASKED);
            SubscriptionState state = proxy.core().subscriptionState();
            String must = "the account " + target + " must accept the presence subscription request from "
                    + proxy.component() + " (once, in any client; the bot's client may do it for it)";
            if (state != SubscriptionState.SUBSCRIBED) {
                return failed("subscription", switch (state) {
                    case DENIED -> "DENIED by " + target + ": " + must;
                    case BOUNCING -> "BOUNCED by " + target + "'s server (the account does not exist, or its server "
                            + "is unreachable): create the account, then " + must;
                    default -> "NOT approved within " + seconds(limit) + ": " + must;
                });
            }
            step("subscription", "approved by " + target);

            if (await(() -> proxy.core().resources().size() > 0)) {
                Thread.sleep(Math.min(MORE_RESOURCES.toMillis(), left().toMillis()));
            }
            TargetResource[] online = proxy.core().resources().snapshot();
            if (online.length == 0) {
                return failed("resources", "NONE online: no resource of " + target
                        + " is available now; requests would get service-unavailable until one logs in");
            }
            step("resources", online.length + " online: " + Arrays.stream(online)
                    .map(r -> r.jid() + " (priority " + r.priority() + ")").collect(Collectors.joining(", ")));
            return verdict(ping(proxy, online[0].jid()));
        }
    }

    /** One IQ get from {@code <component>/check-<random>} to the resource, as a forwarded request would come. */
    private boolean ping(StandaloneProxy proxy, Jid resource) throws InterruptedException {
        String id = "check-" + UUID.randomUUID();
        String from = proxy.component() + "/" + id;
        CompletableFuture<XmlElement> answer = new CompletableFuture<>();
        proxy.tap(stanza -> {
            boolean ours = stanza.name().equals("iq") && id.equals(stanza.attribute("id")) && from.equals(stanza.attribute("to"));
            if (ours) {
                answer.complete(stanza);
            }
            return ours;
        });
        long sent = System.nanoTime();
        if (!proxy.send(XmlElement.builder("iq").attribute("type", "get").attribute("id", id)
                .attribute("from", from).attribute("to", resource.toString())
                .child(XmlElement.builder("ping").attribute("xmlns", PING_NS).build()).build())) {
            step("ping", "FAILED: the connection to the server was lost");
            return false;
        }
        XmlElement reply;
        try {
            reply = answer.get(Math.max(1, left().toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            step("ping", "NO ANSWER from " + resource + " within the time left: the bot must answer every IQ"
                    + " get and set it receives, to its 'from', with the same id");
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        long millis = (System.nanoTime() - sent) / 1_000_000;
        if ("result".equals(reply.attribute("type"))) {
            step("ping", resource + " answered in " + millis + " ms");
            return true;
        }
        XmlElement error = reply.element("error");
        String condition = error == null ? "no condition" : error.elements().stream().map(XmlElement::name)
                .filter(name -> !name.equals("text")).findFirst().orElse("no condition");
        // An error from the bot still shows that requests reach it and its answers come back.
        step("ping", resource + " answered with error " + condition + " in " + millis
                + " ms: it is reachable, but does not implement " + PING_NS);
        return true;
    }

    private int verdict(boolean healthy) {
        out.println(healthy ? "verdict: OK: requests to the component will reach " + settings.proxy().target()
                : "verdict: NOT OK (see the line above)");
        return healthy ? HEALTHY : NOT_HEALTHY;
    }

    private void step(String what, String result) {
        out.printf("  %-14s%s%n", what + ":", result);
    }

    /** A step that ends the check: its line, then the verdict. */
    private int failed(String what, String result) {
        step(what, result);
        return verdict(false);
    }

    /** The connection step's line when no stream came up: what happened and what to do. */
    private String connectionFailure(IOException cause, String server) {
        String check = "; check server-host and server-port (the server's component port)";
        if (cause instanceof StreamErrorException e) {
            return "REFUSED by " + server + ": " + e.getMessage() + "; " + whatToCheck(e.condition());
        } else if (cause instanceof ConnectException) {
            return "FAILED: nothing listens at " + server + " (" + cause.getMessage() + "): start the XMPP server, or "
                    + "set server-host and server-port to its component port";
        } else if (cause instanceof UnknownHostException) {
            return "FAILED: server-host does not resolve (" + cause.getMessage() + "): check server-host";
        }
        return cause != null ? "FAILED: cannot connect to " + server + ": " + ComponentConnection.describe(cause) + check
                : "FAILED: no authenticated stream to " + server + " within " + seconds(limit) + check;
    }

    /** What an operator should look at for a stream error the server refused the component with. */
    static String whatToCheck(String condition) {
        return switch (condition == null ? "" : condition) {
            case "conflict" -> "another connection already is this component, most likely the proxy itself, running "
                    + "(a server takes one connection per component), so --check cannot connect beside it. To see how "
                    + "the running proxy is doing, read its counters instead: the summary line it logs every "
                    + "stats-interval, http://127.0.0.1:<metrics-port>/metrics when metrics-port is set, or its admin "
                    + "command 'counters' (XEP-0050, from an address in admins)";
            case "host-unknown" -> "the server does not know component-domain: check it against the server's configuration";
            case "not-authorized" -> "check component-secret against the server's configuration";
            default -> "check component-secret and component-domain against the server's configuration";
        };
    }

    /** Waits until the condition holds or the time is up; returns whether it holds. */
    private boolean await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private Duration left() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
