package io.uptake.importing;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.io.InputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The download of an import's rejected rows, streamed from the table that keeps them (import_rejection) to
 * the response: no file is written, so nothing of the patients' rows is left on disk by a download, and the
 * rows go when retention deletes them with the import's other rejections.
 */
@Singleton
class RejectedRows {
    private final JdbcOperations jdbc;
    private final DataSource pool;
    private final AuditLog audit;

    RejectedRows(JdbcOperations jdbc, DataSource dataSource, AuditLog audit) {
        this.jdbc = jdbc;
        // The stream reads on its own connection after this request's transaction has ended.
        this.pool = DelegatingDataSource.unwrapDataSource(dataSource);
        this.audit = audit;
    }

    /** What a download gets: the CSV, or word that retention has deleted the rows. */
    sealed interface Download {
        record Rows(InputStream csv) implements Download {
        }

        record Purged(Instant at) implements Download {
        }
    }

    /** Empty when the import does not exist or was made by another PCN (the caller sees 404). */
    @Transactional
    Optional<Download> download(long importId, CurrentUser user) {
        Optional<Optional<Instant>> found = jdbc.prepareStatement("""
                SELECT rejections_purged_at FROM import_run
                WHERE id = ? AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)""", ps -> {
            ps.setLong(1, importId);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp purged = rs.getTimestamp(1);
                return Optional.of(Optional.ofNullable(purged).map(Timestamp::toInstant));
            }
        });
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.get().isPresent()) {
            return Optional.of(new Download.Purged(found.get().get()));
        }
        audit.record(user, "EXPORT", "import-rejections", "import " + importId);
        return Optional.of(new Download.Rows(new RejectedRowsCsv(pool, importId)));
    }
}
