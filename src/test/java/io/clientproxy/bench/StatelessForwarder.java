package io.clientproxy.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The end-to-end benchmark's yardstick: the least an XEP-0114 component can do to put a service
 * behind one address. JDK only, one thread, no state at all: an IQ to the component goes to one
 * fixed resource of the target with the sender's full JID encoded (base64url) in the resource of
 * {@code from}; an IQ from the target to such an address goes back to the decoded sender, from
 * the component. Everything else is dropped. No parser either: the stanzas are framed and their
 * {@code from}/{@code to} found on the bytes, which is exact for what Prosody writes (it escapes
 * {@code < > ' "} in attribute values). No limits, no timeouts, no answer on loss: it is the
 * proxy's floor, not a product.
 *
 * <p>Writes are batched like the proxy's: what the stanzas of one read cause goes out in one
 * write, before the next read.
 *
 * <pre>java -cp target/test-classes io.clientproxy.bench.StatelessForwarder --config FILE</pre>
 * reads {@code server-host}, {@code server-port}, {@code component-domain}, {@code component-secret},
 * {@code target-address} and {@code target-resource} (the proxy's configuration plus the last).
 */
public final class StatelessForwarder {
    private final String domain;
    private final byte[] target;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(64 * 1024);

    private StatelessForwarder(String domain, String target, Socket socket) throws IOException {
        this.domain = domain;
        this.target = target.getBytes(StandardCharsets.UTF_8);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: StatelessForwarder --config FILE");
            System.exit(2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[1]))) {
            p.load(r);
        }
        String domain = p.getProperty("component-domain").trim();
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(p.getProperty("server-host", "127.0.0.1").trim(),
                Integer.parseInt(p.getProperty("server-port", "5347").trim())));
        socket.setTcpNoDelay(true);
        StatelessForwarder f = new StatelessForwarder(domain,
                p.getProperty("target-address").trim() + "/" + p.getProperty("target-resource").trim(), socket);
        f.handshake(p.getProperty("component-secret").trim());
        System.out.println("forwarding " + domain + " to " + new String(f.target, StandardCharsets.UTF_8));
        f.run();
    }

    private void handshake(String secret) throws Exception {
        out.write(("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + domain + "'>").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String header = "";
        while (!header.contains(">")) {
            fill();
            header = new String(buf, start, end - start, StandardCharsets.UTF_8);
        }
        int tag = header.indexOf("<stream:stream");
        int close = header.indexOf('>', tag);
        String id = attribute(header.substring(tag, close), "id");
        start += header.substring(0, close + 1).getBytes(StandardCharsets.UTF_8).length;
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest((id + secret).getBytes(StandardCharsets.UTF_8)));
        out.write(("<handshake>" + digest + "</handshake>").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String attribute(String tag, String name) {
        for (char q : new char[] {'\'', '"'}) {
            int at = tag.indexOf(" " + name + "=" + q);
            if (at >= 0) {
                int from = at + name.length() + 3;
                return tag.substring(from, tag.indexOf(q, from));
            }
        }
        return null;
    }

    /** Frames top-level elements and forwards each; flushes before every read that may block. */
    private void run() throws IOException {
        while (true) {
            int stanza = frame();
            if (stanza < 0) {
                if (pending.size() > 0) {
                    pending.writeTo(out);
                    pending.reset();
                }
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (!fill()) {
                    return;
                }
                continue;
            }
            forward(start, stanza);
            start = stanza;
        }
    }

    /** The end (exclusive) of the complete top-level element at {@link #start}, or -1 if it is not all here. */
    private int frame() throws IOException {
        int i = start;
        while (i < end && buf[i] != '<') {
            i++; // whitespace between stanzas
        }
        start = i;
        int depth = 0;
        while (i < end) {
            if (buf[i++] != '<') {
                continue;
            }
            boolean endTag = i < end && buf[i] == '/';
            while (i < end && buf[i] != '>') {
                i++;
            }
            if (i >= end) {
                return -1;
            }
            boolean empty = buf[i - 1] == '/';
            i++;
            depth += endTag ? -1 : empty ? 0 : 1;
            if (depth < 0) {
                throw new IOException("the server closed the stream");
            }
            if (depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private void forward(int from, int to) {
        if (to - from < 4 || buf[from + 1] != 'i' || buf[from + 2] != 'q' || buf[from + 3] != ' ') {
            return; // presence, messages, the handshake's answer: nothing to do
        }
        int tagEnd = from;
        while (buf[tagEnd] != '>') {
            tagEnd++;
        }
        String tag = new String(buf, from, tagEnd - from, StandardCharsets.ISO_8859_1);
        String sender = attribute(tag, "from");
        String recipient = attribute(tag, "to");
        if (sender == null || recipient == null) {
            return;
        }
        String newFrom;
        String newTo;
        if (recipient.equals(domain)) {
            newFrom = domain + "/" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    sender.getBytes(StandardCharsets.ISO_8859_1));
            newTo = new String(target, StandardCharsets.ISO_8859_1);
        } else if (recipient.startsWith(domain + "/")) {
            newFrom = domain;
            newTo = new String(Base64.getUrlDecoder().decode(recipient.substring(domain.length() + 1)),
                    StandardCharsets.ISO_8859_1);
        } else {
            return;
        }
        // The start tag without from and to, then the new ones, then the rest as it came.
        boolean empty = tag.endsWith("/");
        if (empty) {
            tag = tag.substring(0, tag.length() - 1);
        }
        String rest = tag.replace(" from='" + sender + "'", "").replace(" from=\"" + sender + "\"", "")
                .replace(" to='" + recipient + "'", "").replace(" to=\"" + recipient + "\"", "");
        pending.writeBytes((rest + " from='" + newFrom + "' to='" + newTo + "'" + (empty ? "/" : ""))
                .getBytes(StandardCharsets.ISO_8859_1));
        pending.write(buf, tagEnd, to - tagEnd);
    }

    private boolean fill() throws IOException {
        if (end == buf.length) {
            throw new IOException("a stanza larger than " + buf.length + " bytes");
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }
}
