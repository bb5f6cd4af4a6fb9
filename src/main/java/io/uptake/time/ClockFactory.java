package io.uptake.time;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.ZoneId;

/** The one clock of the service: tests replace it to move time; nothing calls now() on its own. */
@Factory
public class ClockFactory {

    @Singleton
    Clock clock(@Value("${uptake.timezone:Europe/London}") String zone) {
        return Clock.system(ZoneId.of(zone));
    }
}
