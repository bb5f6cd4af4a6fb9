package io.uptake.audit;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;

/** Append-only record of who imported, viewed, exported, launched, paused or cancelled what. */
@Singleton
public class AuditLog {
    private final JdbcOperations jdbc;
    private final Clock clock;

    public AuditLog(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public void record(CurrentUser user, String action, String target, String detail) {
        record(user.username(), user.pcnId(), action, target, detail);
    }

    @Transactional
    public void record(String username, Long pcnId, String action, String target, String detail) {
        jdbc.prepareStatement(
                "INSERT INTO audit_log (at, username, pcn_id, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(clock.instant()));
                    ps.setString(2, username);
                    if (pcnId == null) {
                        ps.setNull(3, java.sql.Types.BIGINT);
                    } else {
                        ps.setLong(3, pcnId);
                    }
                    ps.setString(4, action);
                    ps.setString(5, target);
                    ps.setString(6, detail);
                    ps.executeUpdate();
                    return null;
                });
    }
}
