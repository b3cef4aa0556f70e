package io.clientproxy.core;

import static io.clientproxy.core.CoreFixture.ALICE;
import static io.clientproxy.core.CoreFixture.BOB;
import static io.clientproxy.core.CoreFixture.COMPONENT;
import static io.clientproxy.core.CoreFixture.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clientproxy.core.RecordingOutbox.Kind;
import io.clientproxy.core.RecordingOutbox.Sent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** allowed-senders and the per-sender rate limit. */
class AccessControlTest {

    @Test
    void onlyAllowedSendersReachTheTargetOthersGetForbidden() {
        CoreFixture f = new CoreFixture(b -> b.allowedSenders(SenderFilter.parse(
                List.of("example.org", "alice@example.com", "carol@example.net/desk")))).online("a");
        assertEquals(Kind.FORWARD, f.get("q", ALICE, "1").kind(), "bare JID entry: any resource");
        assertEquals(Kind.FORWARD, f.get("q", BOB, "1").kind(), "domain entry");
        assertEquals(Kind.FORWARD, f.get("q", Jid.parse("carol@example.net/desk"), "1").kind(), "full JID entry");
        for (String other : List.of("carol@example.net/phone", "mallory@example.com/x", "example.com", "x@sub.example.org/y")) {
            f.request("q", Jid.parse(other), COMPONENT, "2", "get");
            Sent err = f.out.one();
            assertEquals(Condition.FORBIDDEN, err.error().condition(), other);
            assertEquals(ErrorType.AUTH, err.error().type());
            assertEquals(Jid.parse(other), err.to());
        }
        assertEquals(3, f.core.pendingCount());
    }

    @Test
    void everyoneIsAllowedByDefault() {
        CoreFixture f = new CoreFixture().online("a");
        assertEquals(Kind.FORWARD, f.get("q", Jid.parse("anyone@anywhere.example/x"), "1").kind());
    }

    @Test
    void badEntriesAreRefusedNamingTheOption() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> SenderFilter.parse(List.of("example.com", "@broken")));
        assertEquals(ProxySettings.ALLOWED_SENDERS, e.key());
        assertEquals(ProxySettings.RATE_LIMIT, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().target(CoreFixture.TARGET).rateLimit(-1).build()).key());
        assertEquals(ProxySettings.RATE_BURST, assertThrows(InvalidSettingException.class,
                () -> ProxySettings.builder().target(CoreFixture.TARGET).rateBurst(0).build()).key());
    }

    @Test
    void rateLimitAllowsTheBurstThenTheRateAndAnswersPolicyViolationWait() {
        CoreFixture f = new CoreFixture(b -> b.rateLimit(2).rateBurst(3)).online("a");
        for (int i = 0; i < 3; i++) {
            Sent fwd = f.get("q", ALICE, "b" + i);
            assertEquals(Kind.FORWARD, fwd.kind());
            f.answer("r", fwd);
            f.out.take();
        }
        f.request("q", ALICE, COMPONENT, "over", "get");
        Sent err = f.out.one();
        assertEquals(Condition.POLICY_VIOLATION, err.error().condition());
        assertEquals(ErrorType.WAIT, err.error().type());
        assertEquals(Kind.FORWARD, f.get("q", BOB, "1").kind(), "another sender has its own bucket");
        f.advance(Duration.ofMillis(499));
        f.request("q", ALICE, COMPONENT, "early", "get");
        assertEquals(Condition.POLICY_VIOLATION, f.out.one().error().condition());
        f.advance(Duration.ofMillis(1));
        assertEquals(Kind.FORWARD, f.get("q", ALICE, "refilled").kind(), "2 per second: one token every 500 ms");
    }

    @Test
    void theTargetIsNeverLimited() {
        CoreFixture f = new CoreFixture(b -> b.rateLimit(1).rateBurst(1)
                .allowedSenders(SenderFilter.parse(List.of("example.org")))).online("a");
        Sent fwd = f.get("q", BOB, "1");
        for (int i = 0; i < 20; i++) {
            f.core.onIq("r", new Iq(res("a"), fwd.from(), fwd.id(), "result", 0));
        }
        assertEquals(1, f.out.take().size(), "replies are not requests: one delivered, the rest dropped as duplicates");
        assertEquals(19, f.core.counters().get(DropReason.NOT_PENDING));
        f.core.onPresence("p", res("b"), COMPONENT, null, 0);
        assertEquals(2, f.core.resources().size(), "presence from the target is not filtered");
    }
}
