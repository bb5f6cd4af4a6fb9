package io.uptake.audit;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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

    /**
     * A view, export or change of one PCN's data, recorded against that PCN whoever did it: an ADMIN has no PCN of
     * their own, and a row without one would hide the ADMIN's look at the PCN's patients from its lead.
     */
    @Transactional
    public void recordFor(CurrentUser user, Long dataPcnId, String action, String target, String detail) {
        record(user.username(), user.isAdmin() ? dataPcnId : user.pcnId(), action, target, detail);
    }

    /**
     * A view or export of patients of these practices, which for an ADMIN may span PCNs: one row per PCN among
     * them, so that each PCN's lead sees it (one row without a PCN when nobody was shown).
     */
    @Transactional
    public void recordForPractices(CurrentUser user, Collection<String> practiceCodes, String action, String target,
                                   String detail) {
        if (!user.isAdmin()) {
            record(user, action, target, detail);
            return;
        }
        List<Long> pcns = practiceCodes.isEmpty() ? List.of() : jdbc.prepareStatement(
                "SELECT DISTINCT pcn_id FROM practice WHERE code = ANY (?) ORDER BY pcn_id", ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("text", practiceCodes.stream().distinct().toArray()));
                    List<Long> ids = new ArrayList<>();
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    return ids;
                });
        if (pcns.isEmpty()) {
            record(user.username(), null, action, target, detail);
        }
        for (Long pcn : pcns) {
            record(user.username(), pcn, action, target, detail);
        }
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
