package io.clientproxy.e2e;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The proxy's behaviours end to end on one private Ejabberd (started once for all the nested
 * classes): real Smack clients, the standalone proxy as the component {@value ProxyFixture#COMPONENT},
 * the target {@code bot@localhost} with resources {@code a} and {@code b}. Each test starts its own
 * proxy and clients.
 */
class EjabberdEndToEndIT {
    @RegisterExtension
    static final ProxyFixture FX = ProxyFixture.ejabberd();

    /** 1 (forwarding, JAT in both modes), 2 (replies from the address used), 3 (equal ids), 4 (errors), 9 (messages). */
    @Nested
    class Forwarding extends ForwardingScenarios {
        @Override
        ProxyFixture fx() {
            return FX;
        }
    }

    /** 5 (no online resource), 6 (timeout, late answer dropped), 8 (unsolicited, duplicate and forged replies). */
    @Nested
    class Unanswered extends UnansweredScenarios {
        @Override
        ProxyFixture fx() {
            return FX;
        }
    }

    /** 7: a resource leaves with requests pending, gracefully or by a dropped connection. */
    @Nested
    class ResourceDeparture extends ResourceDepartureScenarios {
        @Override
        ProxyFixture fx() {
            return FX;
        }
    }

    /** 10: the component restarts while the target stays online. */
    @Nested
    class ComponentRestart extends ComponentRestartScenarios {
        @Override
        ProxyFixture fx() {
            return FX;
        }
    }
}
