package io.uptake.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit trail, newest first, within a PCN scope (null = all, for ADMIN). */
@Singleton
class AuditTrail {
    private static final String WHERE = """
            WHERE (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)
              AND (CAST(? AS TEXT) IS NULL OR username = ?)
              AND (CAST(? AS TEXT) IS NULL OR action = ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR at >= ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR at < ?)""";
    private final JdbcOperations jdbc;
    private final Clock clock;

    AuditTrail(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    Page read(@Nullable Long pcnScope, AuditQuery q) {
        long total = jdbc.prepareStatement("SELECT count(*) FROM audit_log " + WHERE, ps -> {
            bind(ps, pcnScope, q);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        List<Entry> entries = jdbc.prepareStatement("""
                SELECT at, username, action, target, detail FROM audit_log
                """ + WHERE + " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?", ps -> {
            int next = bind(ps, pcnScope, q);
            ps.setInt(next, q.size());
            ps.setLong(next + 1, q.offset());
            List<Entry> rows = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Entry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return rows;
        });
        return new Page(entries, q.page(), q.size(), total);
    }

    /** The actions there are, for the page's filter. */
    @Transactional(readOnly = true)
    List<String> actions() {
        return jdbc.prepareStatement("SELECT DISTINCT action FROM audit_log ORDER BY action", ps -> {
            List<String> rows = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        });
    }

    private int bind(PreparedStatement ps, @Nullable Long pcnScope, AuditQuery q) throws SQLException {
        ps.setObject(1, pcnScope);
        ps.setObject(2, pcnScope);
        ps.setString(3, q.user());
        ps.setString(4, q.user());
        ps.setString(5, q.action());
        ps.setString(6, q.action());
        Timestamp from = startOf(q.from());
        Timestamp to = q.to() == null ? null : startOf(q.to().plusDays(1));
        ps.setTimestamp(7, from);
        ps.setTimestamp(8, from);
        ps.setTimestamp(9, to);
        ps.setTimestamp(10, to);
        return 11;
    }

    @Nullable
    private Timestamp startOf(@Nullable LocalDate day) {
        return day == null ? null : Timestamp.from(day.atStartOfDay(clock.getZone()).toInstant());
    }

    @Serdeable
    record Entry(Instant at, String username, String action, String target, String detail) {
    }

    @Serdeable
    record Page(List<Entry> entries, int page, int size, long total) {
        boolean hasNext() {
            return (long) (page + 1) * size < total;
        }
    }
}
