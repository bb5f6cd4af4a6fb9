package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.web.FailureReport;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw store of inbound webhooks (table inbound_raw): each signed delivery is committed here, in its own
 * transaction, before it is understood or acted on, so that a failure later (a bug, the database refusing a
 * value, a crash) leaves the message to be processed again instead of losing it. One row per MessageSid.
 */
@Singleton
class InboundRaw {
    private final JdbcOperations jdbc;

    InboundRaw(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    enum State { RECEIVED, PROCESSED, FAILED, INVALID }

    /** @param receivedAt the first delivery's time, which the processed message carries */
    record Stored(long id, State state, Instant receivedAt) {
    }

    record Due(long id, byte[] body, Instant receivedAt) {
    }

    /**
     * Commits the delivery now (a new transaction even inside another). A MessageSid seen before counts one
     * more delivery and keeps its first body: Twilio signed both, and the first is the one acted on.
     *
     * @param messageSid null when the signed request carried none: stored as INVALID, never processed
     */
    @Transactional(propagation = TransactionDefinition.Propagation.REQUIRES_NEW)
    Stored store(byte[] body, @Nullable String messageSid, Instant now) {
        return jdbc.prepareStatement("""
                INSERT INTO inbound_raw (message_sid, received_at, body, state) VALUES (?, ?, ?, ?)
                ON CONFLICT (message_sid) DO UPDATE SET deliveries = inbound_raw.deliveries + 1
                RETURNING id, state, received_at""", ps -> {
            ps.setString(1, messageSid);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setBytes(3, body);
            ps.setString(4, messageSid == null ? State.INVALID.name() : State.RECEIVED.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Stored(rs.getLong(1), State.valueOf(rs.getString(2)), rs.getTimestamp(3).toInstant());
            }
        });
    }

    /** Inside the transaction that stored the understood message: both or neither. */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    void markProcessed(String messageSid, Instant now) {
        jdbc.prepareStatement("""
                UPDATE inbound_raw SET state = 'PROCESSED', processed_at = ?
                WHERE message_sid = ? AND state <> 'PROCESSED'""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, messageSid);
            return ps.executeUpdate();
        });
    }

    /** After processing failed (its transaction rolled back): counted, and left for the retry. */
    @Transactional(propagation = TransactionDefinition.Propagation.REQUIRES_NEW)
    void markFailed(long id, Throwable failure) {
        jdbc.prepareStatement("""
                UPDATE inbound_raw SET state = 'FAILED', attempts = attempts + 1, last_error = ?
                WHERE id = ? AND state <> 'PROCESSED'""", ps -> {
            ps.setString(1, FailureReport.describe(failure));
            ps.setLong(2, id);
            return ps.executeUpdate();
        });
    }

    /** Signed, but lacking what processing needs (From): kept as delivered, never retried. */
    @Transactional(propagation = TransactionDefinition.Propagation.REQUIRES_NEW)
    void markInvalid(long id) {
        jdbc.prepareStatement("UPDATE inbound_raw SET state = 'INVALID' WHERE id = ? AND state <> 'PROCESSED'", ps -> {
            ps.setLong(1, id);
            return ps.executeUpdate();
        });
    }

    /**
     * Deliveries not processed and first received before {@code before} (so that one still in its own request
     * is left alone), fewest failed attempts first: a message that always fails does not hold up the others.
     */
    @Transactional(readOnly = true)
    List<Due> due(Instant before, int limit) {
        return jdbc.prepareStatement("""
                SELECT id, body, received_at FROM inbound_raw
                WHERE state IN ('RECEIVED', 'FAILED') AND received_at < ?
                ORDER BY attempts, received_at, id LIMIT ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, limit);
            List<Due> due = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant()));
                }
            }
            return due;
        });
    }
}
