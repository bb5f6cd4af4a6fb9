package io.uptake.security;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks a username out for a while after repeated failed logins. In memory per instance: a
 * guesser spread over instances gets at most max-failures per instance per lock period.
 * Hand-written: micronaut-security has no login throttle of its own.
 */
@Singleton
public class LoginThrottle {
    private final Clock clock;
    private final int maxFailures;
    private final Duration lock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(Clock clock,
                         @Value("${uptake.login-throttle.max-failures:5}") int maxFailures,
                         @Value("${uptake.login-throttle.lock-seconds:300}") int lockSeconds) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.lock = Duration.ofSeconds(lockSeconds);
    }

    public boolean isLocked(String username) {
        Failures f = failures.get(key(username));
        return f != null && f.count >= maxFailures && clock.instant().isBefore(f.last.plus(lock));
    }

    public void failed(String username) {
        Instant now = clock.instant();
        failures.compute(key(username), (k, f) -> {
            if (f == null || now.isAfter(f.last.plus(lock))) {
                return new Failures(1, now);
            }
            return new Failures(f.count + 1, now);
        });
    }

    public void succeeded(String username) {
        failures.remove(key(username));
    }

    private static String key(String username) {
        return username == null ? "" : username.trim().toLowerCase();
    }

    private record Failures(int count, Instant last) {
    }
}
