package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

/**
 * Stops texts already queued for someone who has just opted out, so that the next wave does not
 * reach them even before the dispatcher's own ledger check. Only PENDING rows: a row the dispatcher
 * has claimed is past our reach and its send-time check of the ledger stops it.
 */
@Singleton
public class QueuedSends {
    private final JdbcOperations jdbc;

    QueuedSends(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** @return how many queued texts were cancelled */
    public int cancelFor(@Nullable Long patientId, @Nullable String phone, String reason) {
        return jdbc.prepareStatement("""
                UPDATE message SET status = 'CANCELLED', reason = ?
                WHERE status = 'PENDING' AND (patient_id = ? OR to_number = ?)""", ps -> {
            ps.setString(1, reason);
            ps.setObject(2, patientId, java.sql.Types.BIGINT);
            ps.setString(3, phone);
            return ps.executeUpdate();
        });
    }
}
