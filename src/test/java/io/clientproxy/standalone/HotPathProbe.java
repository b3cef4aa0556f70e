package io.clientproxy.standalone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The adapter's share of the proxy's hot path without sockets, server or clients: parse a
 * stream of IQ requests and results as Prosody sends them, read the addresses, make the copy
 * with new {@code from}/{@code to}, and write it out as text. Prints CPU time and allocated bytes
 * per stanza (this thread only), the median of several runs. Only what the adapter of any
 * version has (StanzaReader, XmlElement, StanzaDispatcher.jid), so that the same file can be
 * compiled against an older build to compare:
 * <pre>
 * javac -cp target/classes -d /tmp/probe src/test/java/io/clientproxy/standalone/HotPathProbe.java
 * java -cp /tmp/probe:target/classes io.clientproxy.standalone.HotPathProbe
 * </pre>
 * The core's routing (JAT table, pending requests) and the socket writes are not in it: the
 * end-to-end benchmark ({@code scripts/bench}) measures the whole.
 */
public final class HotPathProbe {
    private static final int STANZAS = 20_000;
    private static final int RUNS = 15;

    private HotPathProbe() {
    }

    public static void main(String[] args) throws IOException {
        byte[] stream = stream();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        double[] ns = new double[RUNS];
        double[] bytes = new double[RUNS];
        long sink = 0;
        for (int warm = 0; warm < 20; warm++) {
            sink += pass(stream);
        }
        for (int r = 0; r < RUNS; r++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long alloc0 = threads.getThreadAllocatedBytes(tid);
            sink += pass(stream);
            ns[r] = (threads.getCurrentThreadCpuTime() - cpu0) / (double) STANZAS;
            bytes[r] = (threads.getThreadAllocatedBytes(tid) - alloc0) / (double) STANZAS;
        }
        Arrays.sort(ns);
        Arrays.sort(bytes);
        System.out.printf("adapter hot path, per stanza (parse, addresses, copy with new from/to, write as text): "
                        + "%.0f ns CPU [%.0f - %.0f], %.0f bytes allocated (median [min - max] of %d runs of %,d stanzas) %s%n",
                ns[RUNS / 2], ns[0], ns[RUNS - 1], bytes[RUNS / 2], RUNS, STANZAS, sink == 42 ? "!" : "");
    }

    /** Parses the whole stream; for each stanza what the proxy does with a request or a reply. */
    private static long pass(byte[] stream) throws IOException {
        long out = 0;
        StringBuilder text = new StringBuilder(1024);
        try (StanzaReader reader = new StanzaReader(new ByteArrayInputStream(stream))) {
            reader.readHeader();
            XmlElement e;
            while ((e = reader.next()) != null) {
                var from = StanzaDispatcher.jid(e.attribute("from"));
                var to = StanzaDispatcher.jid(e.attribute("to"));
                e.attribute("type");
                e.attribute("id");
                XmlElement copy = e.withAttribute("from", to.toString()).withAttribute("to", from.toString());
                text.setLength(0);
                copy.appendTo(text);
                out += text.length();
            }
        }
        return out;
    }

    /** What Prosody sends a component under load: requests from senders, results from the bot. */
    private static byte[] stream() {
        StringBuilder sb = new StringBuilder("<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'"
                + " xmlns='jabber:component:accept' id='s1' from='proxy.localhost'>");
        for (int i = 0; i < STANZAS; i++) {
            if (i % 2 == 0) {
                sb.append("<iq id='p7.").append(Long.toString(1_000_000_000L + i, 36)).append("' type='get' to='proxy.localhost'"
                        + " from='load@localhost/s").append(i % 4).append("' xmlns='jabber:client'>"
                        + "<query xmlns='urn:example:echo'><text>benchmark request</text></query></iq>");
            } else {
                sb.append("<iq type='result' to='proxy.localhost/Qx3mZ0aB9cD8eF7gH6iJ5k").append(i % 4)
                        .append("' id='p7.").append(Long.toString(1_000_000_000L + i, 36))
                        .append("' from='bot@localhost/b").append(1 + i % 2).append("' xmlns='jabber:client'>"
                        + "<query xmlns='urn:example:echo'><text>benchmark request</text></query></iq>");
            }
        }
        return sb.append("</stream:stream>").toString().getBytes(StandardCharsets.UTF_8);
    }
}
