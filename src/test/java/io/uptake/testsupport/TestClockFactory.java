package io.uptake.testsupport;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.uptake.time.ClockFactory;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The one test replacement for the service clock: a {@link TestClock} in the service's zone (as
 * {@link ClockFactory} reads it), starting at {@code uptake.test.clock-start}. Only in contexts that set
 * {@code uptake.test.clock=settable}; the rest keep the system clock.
 */
@Factory
@Requires(property = TestClock.PROPERTY, value = TestClock.SETTABLE)
public class TestClockFactory {

    @Singleton
    @Replaces(value = Clock.class, factory = ClockFactory.class)
    TestClock settableClock(@Value("${" + TestClock.START + "}") String start,
                            @Value("${uptake.timezone}") String zone) {
        return new TestClock(Instant.parse(start), ZoneId.of(zone));
    }
}
