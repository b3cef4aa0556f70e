package io.clientproxy.standalone;

import java.util.logging.LogManager;

/**
 * A LogManager that keeps logging during JVM shutdown. The JDK's resets itself (closing every
 * handler) in a shutdown hook of its own, which may run before ours: then what the proxy logs
 * while stopping, such as requests it could not answer, would be lost. {@link Main} installs it
 * (system property {@code java.util.logging.manager}) unless another is configured, and its
 * shutdown hook resets for real once the proxy has stopped.
 */
public final class ShutdownSafeLogManager extends LogManager {
    private static volatile ShutdownSafeLogManager instance;

    public ShutdownSafeLogManager() {
        instance = this;
    }

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    /** Called last in the proxy's own shutdown hook. */
    static void resetFinally() {
        ShutdownSafeLogManager manager = instance;
        if (manager != null) {
            manager.realReset();
        }
    }

    private void realReset() {
        super.reset();
    }

    private static boolean shuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
