package io.uptake.security;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Slows password guessing with growing delays, counted per (username, client address) and per address, in
 * PostgreSQL so that every instance agrees. Nothing is ever locked: a caller past its free failures must wait
 * {@link #delay} after its last failure (and is told how long, HTTP 429), and only that caller: the same username
 * from another address is not slowed, so nobody can lock a colleague (or admin) out by guessing.
 *
 * <p>An attempt is counted before its password is checked ({@link #admit}) and taken back when it succeeds, so
 * guesses sent in parallel cannot all slip through before the first failure is written. Attempts refused with a
 * wait are not counted and do not renew the wait.
 */
@Singleton
public class LoginThrottle {
    private final JdbcOperations jdbc;
    private final Clock clock;
    private final LoginThrottleSettings settings;

    LoginThrottle(JdbcOperations jdbc, Clock clock, LoginThrottleSettings settings) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * The delay rule: none for the first {@code free} failures, then {@code first}, doubling with each further
     * failure, never more than {@code max}.
     */
    static Duration delay(int failures, int free, Duration first, Duration max) {
        if (failures < free) {
            return Duration.ZERO;
        }
        int doublings = failures - free;
        if (doublings >= 62) {
            return max;
        }
        long millis = first.toMillis();
        long grown = millis > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : millis << doublings;
        return grown >= max.toMillis() ? max : Duration.ofMillis(grown);
    }

    /**
     * Counts an attempt by {@code username} from {@code address}, or refuses it: empty when it may go on to the
     * password check, otherwise how long the caller must wait first.
     */
    @Transactional
    public Optional<Duration> admit(String username, String address) {
        Instant now = clock.instant();
        List<Key> keys = List.of(new Key(addressKey(address), settings.getFreeFailuresPerAddress()),
                new Key(userKey(username, address), settings.getFreeFailuresPerUser()));
        jdbc.prepareStatement("""
                INSERT INTO login_throttle (key, failures, last_failure_at) VALUES (?, 0, ?), (?, 0, ?)
                ON CONFLICT (key) DO NOTHING""", ps -> {
            ps.setString(1, keys.get(0).name);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, keys.get(1).name);
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate();
        });
        Duration wait = Duration.ZERO;
        List<Integer> counted = new ArrayList<>();
        for (Key key : keys) {
            // Locked in a fixed order (address first): parallel attempts queue here instead of slipping past.
            int[] failures = new int[1];
            Instant last = jdbc.prepareStatement(
                    "SELECT failures, last_failure_at FROM login_throttle WHERE key = ? FOR UPDATE", ps -> {
                        ps.setString(1, key.name);
                        try (var rs = ps.executeQuery()) {
                            rs.next();
                            failures[0] = rs.getInt(1);
                            return rs.getTimestamp(2).toInstant();
                        }
                    });
            int current = last.isBefore(now.minus(settings.getForgetAfter())) ? 0 : failures[0];
            counted.add(current);
            Duration left = Duration.between(now, last.plus(delay(current, key.free, settings.getFirstDelay(),
                    settings.getMaxDelay())));
            if (current > 0 && left.compareTo(wait) > 0) {
                wait = left;
            }
        }
        if (!wait.isZero()) {
            return Optional.of(wait);
        }
        for (int i = 0; i < keys.size(); i++) {
            int failures = counted.get(i) + 1;
            String name = keys.get(i).name;
            jdbc.prepareStatement("UPDATE login_throttle SET failures = ?, last_failure_at = ? WHERE key = ?", ps -> {
                ps.setInt(1, failures);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, name);
                return ps.executeUpdate();
            });
        }
        return Optional.empty();
    }

    /** The password was right: the attempt was not a failure after all, and this user's count from here restarts. */
    @Transactional
    public void succeeded(String username, String address) {
        jdbc.prepareStatement("DELETE FROM login_throttle WHERE key = ?", ps -> {
            ps.setString(1, userKey(username, address));
            return ps.executeUpdate();
        });
        jdbc.prepareStatement("UPDATE login_throttle SET failures = GREATEST(failures - 1, 0) WHERE key = ?", ps -> {
            ps.setString(1, addressKey(address));
            return ps.executeUpdate();
        });
    }

    /** Drops counters nobody has failed on for a while; run at each login. */
    @Transactional
    public int purge() {
        Instant before = clock.instant().minus(settings.getForgetAfter());
        return jdbc.prepareStatement("DELETE FROM login_throttle WHERE last_failure_at < ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
        });
    }

    static String userKey(String username, String address) {
        return "user:" + (username == null ? "" : username.trim().toLowerCase(Locale.ROOT)) + "@" + address;
    }

    static String addressKey(String address) {
        return "address:" + address;
    }

    private record Key(String name, int free) {
    }
}
