package io.uptake.importing;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

/** The download of an import's rejected rows, streamed from the database to a temporary file. */
@Singleton
class RejectedRows {
    private final JdbcOperations jdbc;
    private final AuditLog audit;

    RejectedRows(JdbcOperations jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Empty when the import does not exist or was made by another PCN (the caller sees 404). */
    @Transactional
    Optional<Path> csv(long importId, CurrentUser user) {
        boolean visible = jdbc.prepareStatement("""
                SELECT 1 FROM import_run WHERE id = ? AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)""", ps -> {
            ps.setLong(1, importId);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        });
        if (!visible) {
            return Optional.empty();
        }
        try {
            Path file = Files.createTempFile("uptake-rejected", ".csv");
            file.toFile().deleteOnExit();
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                 CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT)) {
                printer.printRecord("line", "field", "reason", "row");
                jdbc.prepareStatement("""
                        SELECT line, field, message, raw FROM import_rejection WHERE import_id = ? ORDER BY line""", ps -> {
                    ps.setLong(1, importId);
                    ps.setFetchSize(1000);
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            printer.printRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
            }
            audit.record(user, "EXPORT", "import-rejections", "import " + importId);
            return Optional.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
