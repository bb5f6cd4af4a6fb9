package io.uptake.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A clock the test moves by hand: the service sees exactly the time the test says. A test context gets one in
 * place of the service clock with {@code @Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)} and
 * {@code @Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")}; see {@link TestClockFactory}.
 */
public final class TestClock extends Clock {
    /** Set to {@link #SETTABLE} to replace the service clock with a {@code TestClock}. */
    public static final String PROPERTY = "uptake.test.clock";
    public static final String SETTABLE = "settable";
    /** The instant (ISO-8601) the replacement clock starts at. */
    public static final String START = "uptake.test.clock-start";

    private volatile Instant now;
    private final ZoneId zone;

    public TestClock(Instant start, ZoneId zone) {
        this.now = start;
        this.zone = zone;
    }

    public void set(Instant instant) {
        now = instant;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A detached copy at the current instant: moving this clock later does not move the copy. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new TestClock(now, zone);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
