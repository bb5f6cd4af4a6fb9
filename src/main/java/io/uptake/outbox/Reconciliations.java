package io.uptake.outbox;

import io.micronaut.core.annotation.Nullable;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.uptake.template.Placeholders;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The reconciler's statements on {@code message}, beside the send path's ({@link Claims}, {@link Outcomes}) and
 * like them SQL without decisions: claim UNKNOWN messages under a reconcile lease (they stay UNKNOWN, so no send
 * of the number starts meanwhile), and write what the provider said, only while the lease is still ours and the
 * message still UNKNOWN (a status callback, which finds its message by our id, may have settled it first).
 * Autocommit on the pool itself, like the claim, except a reconcile by content: that holds the number's advisory
 * lock across the provider lookup and the write, so two reconciles of texts to one number never adopt the same
 * provider text.
 */
@Singleton
public class Reconciliations {
    private final DataSource db;
    private final Clock clock;
    /** The service's zone: the day an invitation went is the recipient's index date. */
    private final ZoneId zone;

    Reconciliations(DataSource dataSource, Clock clock) {
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
        this.clock = clock;
        this.zone = clock.getZone();
    }

    /**
     * An UNKNOWN message as the reconciler claimed it: what the text was ({@code body}, null if the send never
     * recorded it: then {@code values} and {@code bookingToken} render it again), and since when to look.
     */
    public record Unsettled(long id, long campaignId, int wave, String templateKey, String to, String language,
                            Instant since, String body, Integer segments, String programme, String nhsNumber,
                            Placeholders values, String bookingToken) {
    }

    /** What the provider said about an UNKNOWN message. */
    public sealed interface Finding {
        /** It went: QUEUED with the provider's id, no new attempt. */
        record Found(String providerSid, String body, int segments) implements Finding {
        }

        /** It never went: PENDING, due now, so every send check runs again at the next claim. */
        record NeverWent(String reason) implements Finding {
        }

        /** The provider could not tell: UNKNOWN still, asked again from {@code at}; never resent meanwhile. */
        record AskAgain(String reason, Instant at) implements Finding {
        }
    }

    /**
     * Claims up to {@code limit} due UNKNOWN messages whose reconcile lease (if any) has run out, at most one per
     * number, under {@code token} until {@code leaseUntil}. They stay UNKNOWN.
     */
    public List<Unsettled> claim(String token, Instant now, int limit, Instant leaseUntil) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                WITH due AS (
                    SELECT id, to_number, due_at FROM message
                    WHERE status = 'UNKNOWN' AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                    ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED),
                one AS (SELECT DISTINCT ON (to_number) id FROM due ORDER BY to_number, due_at, id),
                claimed AS (
                    UPDATE message m SET claimed_by = ?, claimed_until = ? FROM one WHERE m.id = one.id
                    RETURNING m.id, m.campaign_id, m.patient_id, m.wave, m.template_key, m.to_number, m.language,
                              COALESCE(m.attempted_at, m.due_at) AS since, m.body, m.segments, m.due_at)
                SELECT m.id, m.campaign_id, m.wave, m.template_key, m.to_number, m.language, m.since, m.body,
                       m.segments, c.programme, p.nhs_number, p.given_name, pr.name,
                       COALESCE(c.reply_phone, pr.phone), bl.token
                FROM claimed m
                JOIN campaign c ON c.id = m.campaign_id
                JOIN patient p ON p.id = m.patient_id
                LEFT JOIN practice pr ON pr.code = p.practice_code
                LEFT JOIN booking_link bl ON bl.message_id = m.id
                ORDER BY m.due_at, m.id""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            ps.setString(4, token);
            ps.setTimestamp(5, Timestamp.from(leaseUntil));
            List<Unsettled> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String practice = rs.getString(13);
                    String phone = rs.getString(14);
                    Placeholders values = practice == null ? null
                            : new Placeholders(rs.getString(12), practice, phone == null ? "" : phone, null);
                    int count = rs.getInt(9);
                    Integer segments = rs.wasNull() ? null : count;
                    out.add(new Unsettled(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getString(8),
                            segments, rs.getString(10), rs.getString(11), values,
                            rs.getString(15)));
                }
            }
            return out;
        }
    }

    /**
     * Asks ({@code ask}: the provider lookup) and writes what it found, if the message is still UNKNOWN under
     * {@code token}. With {@code perNumber} (a lookup by number, body and time) both run inside one transaction
     * holding the number's advisory lock, so a second reconcile of a text to that number waits, then sees the
     * provider id this one recorded. Returns whether the message was written.
     */
    public boolean settle(String token, Unsettled m, boolean perNumber, Supplier<Finding> ask) throws SQLException {
        return settle(token, m, perNumber, ask, null);
    }

    /** As above; {@code provider} is stored on a text found taken (V232). */
    public boolean settle(String token, Unsettled m, boolean perNumber, Supplier<Finding> ask,
                          @Nullable String provider) throws SQLException {
        if (!perNumber) {
            Finding f = ask.get();
            try (Connection c = db.getConnection()) {
                return write(c, token, m, f, provider);
            }
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (var lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                    lock.setInt(1, Claims.NUMBER_LOCK);
                    lock.setString(2, m.to());
                    lock.execute();
                }
                boolean written = write(c, token, m, ask.get(), provider);
                c.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private boolean write(Connection c, String token, Unsettled m, Finding f, @Nullable String provider)
            throws SQLException {
        Instant now = clock.instant();
        if (f instanceof Finding.Found found) {
            try (var ps = c.prepareStatement("""
                    WITH done AS (
                        UPDATE message SET status = 'QUEUED', provider_sid = ?, body = COALESCE(body, ?),
                               provider = COALESCE(CAST(? AS TEXT), provider),
                               segments = COALESCE(segments, ?), sent_at = ?, status_at = ?, reason = NULL,
                               error_code = NULL, claimed_by = NULL, claimed_until = NULL
                        WHERE id = ? AND claimed_by = ? AND status = 'UNKNOWN'
                        RETURNING recipient_id, wave, sent_at),
                    indexed AS (
                        -- The day the invitation went (found now, as before this job had its own class).
                        UPDATE recipient r SET index_date = CAST(timezone(?, done.sent_at) AS DATE)
                        FROM done WHERE r.id = done.recipient_id AND done.wave = 1 AND r.index_date IS NULL
                        RETURNING 1)
                    SELECT count(*) FROM done""")) {
                ps.setString(1, found.providerSid());
                ps.setString(2, found.body());
                ps.setString(3, provider);
                ps.setInt(4, found.segments());
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setTimestamp(6, Timestamp.from(now));
                ps.setLong(7, m.id());
                ps.setString(8, token);
                ps.setString(9, zone.getId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            }
        }
        boolean pending = f instanceof Finding.NeverWent;
        try (var ps = c.prepareStatement("""
                UPDATE message SET status = ?, due_at = ?, reason = ?, claimed_by = NULL, claimed_until = NULL
                WHERE id = ? AND claimed_by = ? AND status = 'UNKNOWN'""")) {
            ps.setString(1, pending ? MessageStatus.PENDING.name() : MessageStatus.UNKNOWN.name());
            ps.setTimestamp(2, Timestamp.from(pending ? now : ((Finding.AskAgain) f).at()));
            ps.setString(3, pending ? ((Finding.NeverWent) f).reason() : ((Finding.AskAgain) f).reason());
            ps.setLong(4, m.id());
            ps.setString(5, token);
            return ps.executeUpdate() > 0;
        }
    }

    /** Gives back claims this reconciler did not get to (it is stopping): UNKNOWN as they were, unleased. */
    public void release(String token, Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                UPDATE message SET claimed_by = NULL, claimed_until = NULL
                WHERE id = ANY(?) AND claimed_by = ? AND status = 'UNKNOWN'""")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.setString(2, token);
            ps.executeUpdate();
        }
    }
}
