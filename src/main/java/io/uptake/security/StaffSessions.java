package io.uptake.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The live logins, one row per token id (jti) in PostgreSQL so that every instance agrees. A token is honoured
 * only while its row is there, within its absolute lifetime and not idle longer than the idle timeout: a logout,
 * a disabled user, a password reset or a role change deletes rows, and the token stops working at once.
 * See docs/adr/0005-server-side-sessions.md for why rows of live sessions rather than a revocation list.
 */
@Singleton
public class StaffSessions {
    private final JdbcOperations jdbc;
    private final Clock clock;
    private final SessionSettings settings;
    private final Duration lifetime;

    StaffSessions(JdbcOperations jdbc, Clock clock, SessionSettings settings,
                  @Value("${micronaut.security.token.generator.access-token.expiration:28800}") long lifetimeSeconds) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
        this.lifetime = Duration.ofSeconds(lifetimeSeconds);
    }

    public Duration lifetime() {
        return lifetime;
    }

    @Transactional
    public void start(String jti, String username) {
        Instant now = clock.instant();
        jdbc.prepareStatement("""
                INSERT INTO staff_session (jti, username, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)""",
                ps -> {
                    ps.setString(1, jti);
                    ps.setString(2, username);
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setTimestamp(4, Timestamp.from(now));
                    ps.setTimestamp(5, Timestamp.from(now.plus(lifetime)));
                    return ps.executeUpdate();
                });
    }

    /** Seconds the session has before it ends (idle timeout or absolute expiry), or empty when it has ended. */
    @Transactional
    public OptionalLong idleSecondsLeft(String jti) {
        return left(jti, null);
    }

    /**
     * A request made with the session: as {@link #idleSecondsLeft}, and counted as activity, written down at most
     * once per {@link SessionSettings#getTouchEvery()}.
     */
    @Transactional
    public OptionalLong activity(String jti) {
        return left(jti, settings.getTouchEvery());
    }

    /** "Stay signed in": activity written down now, however recent the last. */
    @Transactional
    public OptionalLong staySignedIn(String jti) {
        return left(jti, Duration.ZERO);
    }

    private OptionalLong left(String jti, Duration touchAfter) {
        Instant now = clock.instant();
        Instant[] row = jdbc.prepareStatement("SELECT last_seen_at, expires_at FROM staff_session WHERE jti = ?", ps -> {
            ps.setString(1, jti);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()} : null;
            }
        });
        if (row == null || !isLive(row[0], row[1], now, settings.getIdleTimeout())) {
            return OptionalLong.empty();
        }
        Instant lastSeen = row[0];
        if (touchAfter != null && !now.isBefore(lastSeen.plus(touchAfter))) {
            jdbc.prepareStatement("UPDATE staff_session SET last_seen_at = ? WHERE jti = ?", ps -> {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, jti);
                return ps.executeUpdate();
            });
            lastSeen = now;
        }
        Instant idleEnd = lastSeen.plus(settings.getIdleTimeout());
        Instant end = idleEnd.isBefore(row[1]) ? idleEnd : row[1];
        return OptionalLong.of(Duration.between(now, end).toSeconds());
    }

    /** The rule: live before the absolute expiry and less than the idle timeout after the last activity. */
    static boolean isLive(Instant lastSeen, Instant expiresAt, Instant now, Duration idleTimeout) {
        return now.isBefore(expiresAt) && now.isBefore(lastSeen.plus(idleTimeout));
    }

    /** Ends one session (a logout). */
    @Transactional
    public void end(String jti) {
        jdbc.prepareStatement("DELETE FROM staff_session WHERE jti = ?", ps -> {
            ps.setString(1, jti);
            return ps.executeUpdate();
        });
    }

    /** Ends every session of the user (disabled, password reset or changed, role or PCN changed); returns how many. */
    @Transactional
    public int endAllOf(String username) {
        return jdbc.prepareStatement("DELETE FROM staff_session WHERE username = ?", ps -> {
            ps.setString(1, username);
            return ps.executeUpdate();
        });
    }

    /** Drops the rows of sessions that can no longer be used; run at each login, so the table stays small. */
    @Transactional
    public int purge() {
        Instant now = clock.instant();
        return jdbc.prepareStatement("DELETE FROM staff_session WHERE expires_at <= ? OR last_seen_at <= ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(settings.getIdleTimeout())));
            return ps.executeUpdate();
        });
    }
}
