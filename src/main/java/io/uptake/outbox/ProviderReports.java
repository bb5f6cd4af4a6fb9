package io.uptake.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * A provider's reports on a text it has or had (status callbacks, simulated callbacks): find and lock the
 * message, then write what was reported. Both join the caller's transaction, so that the decision between them
 * (forward only, {@link MessageStatus#movesForwardTo}, made by {@code sms/MessageStatusService}) holds the row
 * lock and a redelivered callback waits for it.
 */
@Singleton
public class ProviderReports {
    private final JdbcOperations jdbc;

    ProviderReports(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** A message as a provider report finds it, locked until the caller's transaction ends. */
    public record Locked(long id, MessageStatus status, String providerSid, long patientId, String to) {
    }

    /** Finds and locks the message by our id or, without one, by the provider's id. */
    public Optional<Locked> lockForReport(@Nullable Long messageId, @Nullable String providerSid) {
        if (messageId == null && providerSid == null) {
            return Optional.empty();
        }
        String where = messageId != null ? "id = ?" : "provider_sid = ?";
        return jdbc.prepareStatement(
                "SELECT id, status, provider_sid, patient_id, to_number FROM message WHERE " + where + " FOR UPDATE",
                ps -> {
                    if (messageId != null) {
                        ps.setLong(1, messageId);
                    } else {
                        ps.setString(1, providerSid);
                    }
                    try (var rs = ps.executeQuery()) {
                        return rs.next()
                                ? Optional.of(new Locked(rs.getLong(1), MessageStatus.valueOf(rs.getString(2)),
                                rs.getString(3), rs.getLong(4), rs.getString(5)))
                                : Optional.empty();
                    }
                });
    }

    /**
     * What the provider reported for a locked message. The caller has checked it moves the status forward
     * ({@link MessageStatus#movesForwardTo}).
     *
     * @param providerSid   the provider's id, kept only if the row has none and no other message holds it
     * @param providerTookIt the provider had the text, so its send time is set if not yet
     */
    public record Report(long id, MessageStatus status, @Nullable String errorCode, @Nullable String reason,
                         @Nullable String providerSid, boolean providerTookIt) {
    }

    public void report(Report r, Instant now) {
        jdbc.prepareStatement("""
                UPDATE message SET status = ?, error_code = ?, reason = ?,
                    -- Never a second holder of one provider id (it is unique): should another message hold it,
                    -- the status still counts here and the id stays where it is.
                    provider_sid = COALESCE(provider_sid, (SELECT s.sid FROM (SELECT CAST(? AS TEXT) AS sid) s
                        WHERE NOT EXISTS (SELECT 1 FROM message o WHERE o.provider_sid = s.sid))),
                    sent_at = CASE WHEN ? THEN COALESCE(sent_at, ?) ELSE sent_at END,
                    status_at = ?
                WHERE id = ?""", ps -> {
            ps.setString(1, r.status().name());
            ps.setString(2, r.errorCode());
            ps.setString(3, r.reason());
            ps.setString(4, r.providerSid());
            ps.setBoolean(5, r.providerTookIt());
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setLong(8, r.id());
            return ps.executeUpdate();
        });
    }
}
