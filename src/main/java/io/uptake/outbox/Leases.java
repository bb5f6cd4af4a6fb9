package io.uptake.outbox;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The heartbeat's write (db-scheduler's {@code updateHeartbeat}): a claim's lease on the messages it still holds,
 * extended while its provider calls run, so that a slow provider never lets a live claim's texts be taken back.
 * On the pool itself, one short statement, as {@link Claims}.
 */
@Singleton
public class Leases {
    private final DataSource db;

    Leases(DataSource dataSource) {
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /**
     * Extends the lease of the messages this claim still holds. Returns, for each, its campaign's status now;
     * a message missing from the answer is not this claim's any more.
     */
    public Map<Long, String> extendLease(String token, Collection<Long> ids, Instant until) throws SQLException {
        Map<Long, String> held = new HashMap<>();
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                UPDATE message m SET claimed_until = ? WHERE id = ANY(?) AND claimed_by = ? AND status = 'SENDING'
                RETURNING m.id, (SELECT c.status FROM campaign c WHERE c.id = m.campaign_id)""")) {
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.setString(3, token);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return held;
    }
}
