package io.uptake.reply;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** The service clock, moved by hand in tests that cross a day boundary. */
@Singleton
@Replaces(Clock.class)
@Requires(property = "spec.name", value = MovableClock.SPEC)
class MovableClock extends Clock {
    static final String SPEC = "ReplyClock";
    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private volatile Instant now = START;

    void set(Instant instant) {
        now = instant;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return LONDON;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
