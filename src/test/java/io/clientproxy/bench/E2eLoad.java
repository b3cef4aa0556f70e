package io.clientproxy.bench;

import io.clientproxy.e2e.XmppClients;
import io.clientproxy.e2e.XmppServer;
import io.clientproxy.standalone.EchoIq;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.Jid;

/**
 * The load generator's parts: senders that keep a window of IQ gets in flight, the bot that
 * answers them, and one measured phase.
 */
final class E2eLoad {
    /** The request's text; the bot echoes it. */
    static final String TEXT = "benchmark request";

    private E2eLoad() {
    }

    /**
     * One phase: where requests go, whether senders refill their window, whether replies are
     * counted. Replies carry the phase's tag in their id, so a late reply from an earlier phase
     * is never counted in this one.
     */
    static final class Phase {
        final String tag;
        final Jid[] targets;
        final int senders;
        volatile boolean running = true;
        volatile boolean measuring;
        final LongAdder completed = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder sendFailures = new LongAdder();
        final LongAdder stale = new LongAdder();
        final Latencies[] latencies;

        Phase(String tag, Jid[] targets, int senders) {
            this.tag = tag;
            this.targets = targets;
            this.senders = senders;
            this.latencies = new Latencies[senders];
            for (int i = 0; i < senders; i++) {
                latencies[i] = new Latencies();
            }
        }

        /** All latencies recorded while measuring, in nanoseconds, sorted. */
        long[] sortedLatencies() {
            int n = 0;
            for (Latencies l : latencies) {
                n += l.size();
            }
            long[] all = new long[n];
            int at = 0;
            for (Latencies l : latencies) {
                at = l.copyTo(all, at);
            }
            Arrays.sort(all);
            return all;
        }
    }

    /** Latencies of one sender's replies; written by whichever Smack thread delivers them, one at a time. */
    static final class Latencies {
        private long[] values = new long[1 << 14];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized int size() {
            return size;
        }

        synchronized int copyTo(long[] out, int at) {
            System.arraycopy(values, 0, out, at, size);
            return at + size;
        }
    }

    /**
     * One sender connection: keeps {@code window} gets in flight while its phase runs, sending the
     * next as soon as an answer (result or error) comes. The send time is in the id.
     */
    static final class Sender implements StanzaListener {
        final XMPPTCPConnection connection;
        final int index;
        final AtomicInteger inflight = new AtomicInteger();
        private volatile Phase phase;
        private int next;

        Sender(XMPPTCPConnection connection, int index) {
            this.connection = connection;
            this.index = index;
            // Called on the connection's reader thread, in order: no hand-over to an executor per reply.
            connection.addStanzaListener(this, s -> s instanceof IQ iq
                    && (iq.getType() == IQ.Type.result || iq.getType() == IQ.Type.error));
        }

        void start(Phase p, int window) {
            phase = p;
            for (int i = 0; i < window; i++) {
                send(p);
            }
        }

        private void send(Phase p) {
            if (!p.running) {
                return;
            }
            EchoIq request = new EchoIq(TEXT);
            int n;
            synchronized (this) {
                n = next++;
            }
            request.setTo(p.targets[Math.floorMod(n, p.targets.length)]);
            request.setStanzaId(p.tag + "." + Long.toString(System.nanoTime(), 36));
            inflight.incrementAndGet();
            try {
                connection.sendStanza(request);
            } catch (SmackException.NotConnectedException | RuntimeException e) {
                inflight.decrementAndGet();
                p.sendFailures.increment();
            } catch (InterruptedException e) {
                inflight.decrementAndGet();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void processStanza(Stanza stanza) {
            long now = System.nanoTime();
            Phase p = phase;
            String id = stanza.getStanzaId();
            int dot = id == null ? -1 : id.indexOf('.');
            if (p == null || dot < 0 || !id.regionMatches(0, p.tag, 0, dot) || dot != p.tag.length()) {
                if (p != null) {
                    p.stale.increment();
                }
                return;
            }
            long sent;
            try {
                sent = Long.parseLong(id, dot + 1, id.length(), 36);
            } catch (NumberFormatException e) {
                p.stale.increment();
                return;
            }
            inflight.decrementAndGet();
            boolean ok = ((IQ) stanza).getType() == IQ.Type.result;
            if (p.measuring) {
                if (ok) {
                    p.completed.increment();
                    p.latencies[index].add(now - sent);
                } else {
                    p.errors.increment();
                }
            }
            send(p);
        }
    }

    /** A resource of the target account: accepts the proxy's subscription, answers every echo get at once. */
    static final class Bot {
        final XMPPTCPConnection connection;
        final String resource;
        final LongAdder answered = new LongAdder();

        private Bot(XMPPTCPConnection connection, String resource) {
            this.connection = connection;
            this.resource = resource;
        }

        static Bot connect(XmppServer server, String user, String password, String resource) throws Exception {
            EchoIq.register();
            Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
            XMPPTCPConnection conn = XmppClients.connectAndLogin(server, user, password, resource,
                    XmppClients.DEFAULT_REPLY_TIMEOUT);
            Roster.getInstanceFor(conn).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            Bot bot = new Bot(conn, resource);
            conn.registerIQRequestHandler(new AbstractIqRequestHandler(EchoIq.ELEMENT, EchoIq.NAMESPACE, IQ.Type.get,
                    IQRequestHandler.Mode.sync) {
                @Override
                public IQ handleIQRequest(IQ request) {
                    bot.answered.increment();
                    EchoIq reply = new EchoIq(((EchoIq) request).text());
                    reply.setType(IQ.Type.result);
                    reply.setTo(request.getFrom());
                    reply.setStanzaId(request.getStanzaId());
                    return reply;
                }
            });
            XmppClients.sendPresence(conn, 0);
            return bot;
        }
    }
}
