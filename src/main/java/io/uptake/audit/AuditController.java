package io.uptake.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit trail, newest first: all of it for ADMIN, a LEAD's own PCN for a LEAD. */
@Controller("/api/audit")
@Secured({Role.ADMIN_NAME, Role.LEAD_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class AuditController {
    private final JdbcOperations jdbc;

    AuditController(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Get
    @Transactional(readOnly = true)
    List<Entry> list(Authentication auth, @Nullable @QueryValue Integer page, @Nullable @QueryValue Integer size) {
        Long pcn = CurrentUser.of(auth).pcnScope();
        int limit = Math.min(size == null ? 100 : Math.max(size, 1), 1000);
        int offset = (page == null ? 0 : Math.max(page, 0)) * limit;
        return jdbc.prepareStatement("""
                SELECT at, username, action, target, detail FROM audit_log
                WHERE (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)
                ORDER BY at DESC, id DESC LIMIT ? OFFSET ?""", ps -> {
            ps.setObject(1, pcn);
            ps.setObject(2, pcn);
            ps.setInt(3, limit);
            ps.setInt(4, offset);
            List<Entry> entries = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return entries;
        });
    }

    @Serdeable
    record Entry(Instant at, String username, String action, String target, String detail) {
    }
}
