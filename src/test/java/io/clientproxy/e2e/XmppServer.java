package io.clientproxy.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A private XMPP server for end-to-end tests, started on free loopback ports: {@link ProsodyServer}
 * or {@link EjabberdServer}. Clients connect to {@link #host()}:{@link #c2sPort()} without TLS
 * (see {@link XmppClients}); external components (XEP-0114) to {@link #componentPort()} with
 * the secret they were declared with.
 */
public interface XmppServer extends AutoCloseable {

    /** A short name for reports: {@code prosody} or {@code ejabberd}. */
    String kind();

    /** The IP address the server listens on (loopback). */
    String host();

    /** The virtual host, e.g. {@code localhost}. */
    String domain();

    int c2sPort();

    /** The XEP-0114 ({@code jabber:component:accept}) port shared by all declared components. */
    int componentPort();

    /** Component name to secret, as declared. */
    Map<String, String> components();

    /** The secret of a declared component; throws if it was not declared. */
    default String componentSecret(String component) {
        String s = components().get(component);
        if (s == null) {
            throw new IllegalArgumentException("no component " + component + " declared; have " + components().keySet());
        }
        return s;
    }

    /** Creates {@code user@domain()} with this password (or resets the password); works while running. */
    void register(String user, String password);

    /** Registers several accounts (user to password), up to four at once (each is a command-line tool run). */
    default void registerAll(Map<String, String> accounts) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(4, Math.max(1, accounts.size())));
        try {
            List<Future<?>> done = new ArrayList<>();
            accounts.forEach((user, pw) -> done.add(pool.submit(() -> register(user, pw))));
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** PID of the server process itself. */
    long pid();

    boolean isAlive();

    /** The server's log (and console output); for failure diagnostics. */
    String log();

    /** The last {@code lines} lines of {@link #log()}. */
    default String logTail(int lines) {
        String[] all = log().split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }

    /** Stops the server by its PID (SIGTERM, then SIGKILL) and deletes its files. Idempotent. */
    @Override
    void close();
}
