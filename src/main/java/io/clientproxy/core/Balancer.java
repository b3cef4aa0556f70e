package io.clientproxy.core;

import java.util.concurrent.ThreadLocalRandom;

/** Chooses which online resource of the target gets a request. */
public interface Balancer {
    /**
     * @param online the online resources, never empty
     * @param sender who asks (for policies that keep a sender on one resource)
     */
    TargetResource pick(TargetResource[] online, Jid sender);

    /** Any online resource with equal chance, as mod_client_proxy does. */
    Balancer RANDOM = (online, sender) -> online[ThreadLocalRandom.current().nextInt(online.length)];
}
