package io.clientproxy.core;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Chooses which online resource of the target gets a request. */
public interface Balancer {
    /**
     * @param online the online resources, never empty
     * @param sender who asks (for policies that keep a sender on one resource)
     */
    TargetResource pick(TargetResource[] online, Jid sender);

    /** Any online resource with equal chance, as mod_client_proxy does. */
    Balancer RANDOM = (online, sender) -> online[ThreadLocalRandom.current().nextInt(online.length)];

    /** The policies an operator can choose with the {@code balancer} option. */
    enum Policy {
        RANDOM, ROUND_ROBIN, LEAST_PENDING, PRIORITY, STICKY;

        private final String configName = name().toLowerCase(Locale.ROOT).replace('_', '-');

        public String configName() {
            return configName;
        }

        public static Policy parse(String value) {
            for (Policy p : values()) {
                if (p.configName.equals(value)) {
                    return p;
                }
            }
            return null;
        }

        /** A new balancer of this policy (round-robin keeps its own position). */
        public Balancer create() {
            return switch (this) {
                case RANDOM -> Balancer.RANDOM;
                case ROUND_ROBIN -> new RoundRobin();
                case LEAST_PENDING -> Balancer::leastPending;
                case PRIORITY -> Balancer::highestPriority;
                case STICKY -> Balancer::rendezvous;
            };
        }
    }

    /** Each resource in turn, in the order they came online. */
    final class RoundRobin implements Balancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public TargetResource pick(TargetResource[] online, Jid sender) {
            return online[Math.floorMod(next.getAndIncrement(), online.length)];
        }
    }

    /** The resource with the fewest requests in flight; ties are broken at random. */
    static TargetResource leastPending(TargetResource[] online, Jid sender) {
        int start = online.length == 1 ? 0 : ThreadLocalRandom.current().nextInt(online.length);
        TargetResource best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < online.length; i++) {
            TargetResource r = online[(start + i) % online.length];
            int load = r.inFlight();
            if (load < bestLoad) {
                best = r;
                bestLoad = load;
            }
        }
        return best;
    }

    /**
     * A resource of the highest presence priority, at random among equals. Resources with a
     * negative priority get nothing while any other is online: RFC 6121 (4.7.2.3) reserves
     * negative priority for resources that do not want stanzas addressed to the bare JID.
     */
    static TargetResource highestPriority(TargetResource[] online, Jid sender) {
        int best = Integer.MIN_VALUE;
        int count = 0;
        for (TargetResource r : online) {
            int p = r.priority();
            if (p > best) {
                best = p;
                count = 1;
            } else if (p == best) {
                count++;
            }
        }
        int chosen = count == 1 ? 0 : ThreadLocalRandom.current().nextInt(count);
        for (TargetResource r : online) {
            if (r.priority() == best && chosen-- == 0) {
                return r;
            }
        }
        throw new IllegalStateException("no resource");
    }

    /**
     * Rendezvous (highest random weight) hashing: each sender has its own ranking of resources
     * and takes the first online one. A sender keeps its resource while that one is online; when a
     * resource leaves, only its senders move, spread over the rest; when one comes, it takes an
     * even share from every other.
     */
    static TargetResource rendezvous(TargetResource[] online, Jid sender) {
        long s = sender.hashCode();
        TargetResource best = null;
        long bestWeight = Long.MIN_VALUE;
        for (TargetResource r : online) {
            long w = mix64(s * 0x9E3779B97F4A7C15L ^ r.jid().hashCode());
            if (best == null || w > bestWeight) {
                best = r;
                bestWeight = w;
            }
        }
        return best;
    }

    /** Murmur3's 64-bit finaliser: a good spread from poorly distributed hash codes. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
