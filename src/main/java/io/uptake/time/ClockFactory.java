package io.uptake.time;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.ZoneId;

/**
 * The one clock of the service: tests replace it to move time; nothing calls now() on its own. Its zone is the
 * one source of the service's time zone ({@code uptake.timezone}, set in application.yml only): every local date
 * and time, in Java and in SQL, is taken in {@code clock.getZone()}.
 */
@Factory
public class ClockFactory {

    @Singleton
    Clock clock(@Value("${uptake.timezone}") String zone) {
        return Clock.system(ZoneId.of(zone));
    }
}
