package io.uptake.retention;

import io.micronaut.transaction.TransactionOperations;
import io.uptake.audit.AuditLog;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes what is past its retention period ({@link RetentionSettings}), in batches of its own transaction each,
 * so that a large first run neither holds locks for long nor loses its progress if the instance stops.
 * Never deletes a raw inbound delivery that has not been processed: that would lose the patient's text.
 * Each run that deleted anything says so in the audit log.
 */
@Singleton
class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final TransactionOperations<Connection> transactions;
    private final RetentionSettings settings;
    private final AuditLog audit;
    private final Clock clock;

    Retention(TransactionOperations<Connection> transactions, RetentionSettings settings, AuditLog audit, Clock clock) {
        this.transactions = transactions;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** How many rows one run deleted, and of how many imports the rejected rows went. */
    record Outcome(long rejectedRows, long imports, long rawInbound, long auditLog) {
    }

    Outcome run() {
        Instant now = clock.instant();
        long[] rejected = rejectedRows(now);
        long raw = rawInbound(now);
        long auditRows = auditLog(now);
        Outcome outcome = new Outcome(rejected[0], rejected[1], raw, auditRows);
        if (rejected[0] + rejected[1] + raw + auditRows > 0) {
            LOG.info("Retention: deleted {} rejected rows of {} imports, {} raw inbound deliveries, {} audit entries",
                    outcome.rejectedRows(), outcome.imports(), outcome.rawInbound(), outcome.auditLog());
            audit.record("system", null, "RETENTION", "rejected-rows,raw-inbound,audit-log",
                    "deleted " + outcome.rejectedRows() + " rejected rows of " + outcome.imports() + " imports older than "
                            + settings.getRejectedRows().toDays() + " days, " + outcome.rawInbound()
                            + " raw inbound deliveries processed more than " + settings.getRawInbound().toDays()
                            + " days ago, " + outcome.auditLog() + " audit entries older than "
                            + settings.getAuditLog().toDays() + " days");
        }
        return outcome;
    }

    /** Rejected rows of imports older than the period; the import is then marked, so its download says 410. */
    private long[] rejectedRows(Instant now) {
        if (keptForever(settings.getRejectedRows())) {
            return new long[]{0, 0};
        }
        Timestamp cutoff = Timestamp.from(now.minus(settings.getRejectedRows()));
        List<Long> imports = transactions.executeRead(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement("""
                    SELECT id FROM import_run WHERE at < ? AND rejected > 0 AND rejections_purged_at IS NULL
                    ORDER BY id""")) {
                ps.setTimestamp(1, cutoff);
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
        long rows = 0;
        for (long id : imports) {
            rows += inBatches("""
                    DELETE FROM import_rejection WHERE (import_id, line) IN (
                        SELECT import_id, line FROM import_rejection WHERE import_id = ? LIMIT ?)""", false,
                    ps -> {
                        ps.setLong(1, id);
                        return 1;
                    });
            transactions.executeWrite(status -> {
                try (PreparedStatement ps = status.getConnection().prepareStatement(
                        "UPDATE import_run SET rejections_purged_at = ? WHERE id = ?")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, id);
                    return ps.executeUpdate();
                }
            });
        }
        return new long[]{rows, imports.size()};
    }

    /** Processed (or invalid) deliveries only: an unprocessed one waits for its retry however old it is. */
    private long rawInbound(Instant now) {
        if (keptForever(settings.getRawInbound())) {
            return 0;
        }
        Timestamp cutoff = Timestamp.from(now.minus(settings.getRawInbound()));
        return inBatches("""
                DELETE FROM inbound_raw WHERE id IN (
                    SELECT id FROM inbound_raw
                    WHERE (state = 'PROCESSED' AND processed_at < ?) OR (state = 'INVALID' AND received_at < ?)
                    LIMIT ?)""", false, ps -> {
            ps.setTimestamp(1, cutoff);
            ps.setTimestamp(2, cutoff);
            return 2;
        });
    }

    /** The audit log's trigger lets these deletes through only in a transaction that says it is retention (V86). */
    private long auditLog(Instant now) {
        if (keptForever(settings.getAuditLog())) {
            return 0;
        }
        Timestamp cutoff = Timestamp.from(now.minus(settings.getAuditLog()));
        return inBatches("""
                DELETE FROM audit_log WHERE id IN (
                    SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)""", true, ps -> {
            ps.setTimestamp(1, cutoff);
            return 1;
        });
    }

    private interface Binder {
        /** Binds the parameters before the batch size, which is always the last; returns their count. */
        int bind(PreparedStatement ps) throws SQLException;
    }

    /** Repeats the delete, a batch per transaction, until a batch finds fewer rows than its size. */
    private long inBatches(String sql, boolean auditLog, Binder binder) {
        int size = settings.getBatchSize();
        long total = 0;
        while (true) {
            int deleted = transactions.executeWrite(status -> {
                Connection c = status.getConnection();
                if (auditLog) {
                    try (var st = c.createStatement()) {
                        st.execute("SET LOCAL uptake.retention = 'purge'");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setInt(binder.bind(ps) + 1, size);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < size) {
                return total;
            }
        }
    }

    private static boolean keptForever(Duration period) {
        return period.isZero();
    }
}
