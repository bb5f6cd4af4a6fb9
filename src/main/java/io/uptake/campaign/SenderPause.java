package io.uptake.campaign;

import io.uptake.sms.SmsSender.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Set when the provider refuses this service (e.g. wrong credentials): every text would fail the same way,
 * so no claims for a while, then one text probes again. Business time, so tests can move through it.
 */
final class SenderPause {
    private static final Logger LOG = LoggerFactory.getLogger(SenderPause.class);
    private final Clock clock;
    private final Duration length;
    private volatile Interval pause;

    private record Interval(Instant from, Instant until) {
        boolean covers(Instant at) {
            return !at.isBefore(from) && at.isBefore(until);
        }
    }

    SenderPause(Clock clock, Duration length) {
        this.clock = clock;
        this.length = length;
    }

    boolean active() {
        Interval p = pause;
        return p != null && p.covers(clock.instant());
    }

    void start(SendResult refusal) {
        Instant now = clock.instant();
        boolean already = active();
        pause = new Interval(now, now.plus(length));
        if (!already) {
            LOG.error("The SMS provider refused this service ({}: {}): no texts until {}, then one tries again",
                    refusal.errorCode(), refusal.detail(), now.plus(length));
        }
    }

    /** For tests that replay the same business time with a fresh database. */
    void forget() {
        pause = null;
    }
}
