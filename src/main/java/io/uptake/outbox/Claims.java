package io.uptake.outbox;

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
import java.util.List;

/**
 * The send path's hold on a message: the dispatcher's claim of due PENDING texts ({@link Leases} keeps the claim's
 * lease alive while its provider calls run; {@link Outcomes#record} then lets go of it).
 * <p>
 * These run on the pool itself, one short transaction each, not in a caller's transaction: the dispatcher owns
 * its threads, and a claim must commit before any text is handed over, so that another instance sees it.
 */
@Singleton
public class Claims {
    /**
     * The advisory-lock namespace (with {@code hashtext(to_number)} as the key) that a claim and a reconcile take
     * for a number: one text per number in flight, and one reconcile by content per number at a time.
     */
    static final int NUMBER_LOCK = 12;

    private final DataSource db;
    /** The service's zone (uptake.timezone, through the clock): conversion windows. */
    private final ZoneId zone;

    Claims(DataSource dataSource, Clock clock) {
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
        this.zone = clock.getZone();
    }

    /**
     * Claims up to {@code limit} due PENDING messages of the given campaigns with FOR UPDATE SKIP LOCKED under
     * the token's lease, and reads, in the same statement, everything the re-checks and the text need. UNKNOWN
     * messages are never claimed here: they are the reconciler's ({@link Reconciliations}).
     * <p>
     * No number gets a new text while one of its texts is SENDING or UNKNOWN, and a batch takes at most one text
     * per number: otherwise a reconcile that matches by number, body and time could take a second text to the
     * same number for the first. Two statements in one transaction make that hold across workers: the first
     * picks the due rows and takes a transaction-scoped advisory lock per number (skipping a number another
     * claim or reconcile holds); the second, whose snapshot is taken after those locks, skips a number that has
     * a text in flight, and claims. The sub-selects read the snapshot before the claim, which is what they
     * should see: the claim changes only this batch's status and lease. A campaign in {@code allowed} gets at most
     * that many of the batch (its daily cap's allowance, taken before the claim).
     */
    public List<Claimed> claim(ClaimRequest r) throws SQLException {
        if (r.limit() <= 0) {
            return List.of();
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Claimed> out = claim(c, r, lockedNumbersDue(c, r));
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * The first due message of each number whose lock this transaction took (see {@link #NUMBER_LOCK}), no more of
     * a campaign than it is allowed. A capped campaign's due rows are taken up to its allowance before the batch's
     * limit applies, so one with older texts cannot fill the limit and then be cut to its allowance, leaving the
     * other campaigns nothing that round (ClaimsCapOrderTest). Rows beyond the batch stay locked only until the
     * claim commits.
     */
    private static List<Long> lockedNumbersDue(Connection c, ClaimRequest r) throws SQLException {
        try (var ps = c.prepareStatement("""
                WITH due AS (
                    SELECT id, campaign_id, to_number, due_at FROM message
                    WHERE status = 'PENDING' AND due_at <= ? AND campaign_id = ANY(?)
                      AND NOT (campaign_id = ANY(CAST(? AS BIGINT[])))
                    ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED),
                capped AS (
                    SELECT m.* FROM unnest(CAST(? AS BIGINT[]), CAST(? AS INT[])) AS a(campaign_id, n)
                    CROSS JOIN LATERAL (
                        SELECT id, campaign_id, to_number, due_at FROM message
                        WHERE status = 'PENDING' AND due_at <= ? AND campaign_id = a.campaign_id
                        ORDER BY due_at, id LIMIT LEAST(a.n, ?) FOR UPDATE SKIP LOCKED) m
                    WHERE a.campaign_id = ANY(?)),
                first AS (SELECT DISTINCT ON (to_number) id, campaign_id, to_number, due_at
                          FROM (SELECT * FROM due UNION ALL SELECT * FROM capped) d
                          ORDER BY to_number, due_at, id),
                batch AS MATERIALIZED (SELECT id, to_number, due_at FROM first ORDER BY due_at, id LIMIT ?)
                SELECT id FROM batch WHERE pg_try_advisory_xact_lock(?, hashtext(to_number)) ORDER BY due_at, id""")) {
            Timestamp now = Timestamp.from(r.now());
            java.sql.Array campaigns = c.createArrayOf("bigint", r.campaignIds().toArray());
            java.sql.Array cappedIds = c.createArrayOf("bigint", r.allowed().keySet().toArray());
            ps.setTimestamp(1, now);
            ps.setArray(2, campaigns);
            ps.setArray(3, cappedIds);
            ps.setInt(4, r.limit());
            ps.setArray(5, cappedIds);
            ps.setArray(6, c.createArrayOf("integer", r.allowed().keySet().stream().map(r.allowed()::get).toArray()));
            ps.setTimestamp(7, now);
            ps.setInt(8, r.limit());
            ps.setArray(9, campaigns);
            ps.setInt(10, r.limit());
            ps.setInt(11, NUMBER_LOCK);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    private List<Claimed> claim(Connection c, ClaimRequest r, List<Long> candidates) throws SQLException {
        if (candidates.isEmpty()) {
            return List.of();
        }
        try (var ps = c.prepareStatement("""
                WITH due AS (
                    SELECT d.id FROM message d
                    WHERE d.id = ANY(?) AND d.status = 'PENDING'
                      AND NOT EXISTS (SELECT 1 FROM message o WHERE o.to_number = d.to_number
                                          AND o.status IN ('SENDING', 'UNKNOWN'))),
                claimed AS (
                    UPDATE message m SET status = 'SENDING', claimed_by = ?, claimed_until = ?
                    FROM due WHERE m.id = due.id
                    RETURNING m.id, m.campaign_id, m.recipient_id, m.patient_id, m.wave, m.template_key,
                              m.to_number, m.language, m.due_at, m.attempted_at, m.attempts, m.sent_at)
                SELECT m.id, m.campaign_id, m.recipient_id, m.patient_id, m.wave, m.template_key,
                       m.to_number, m.language, m.due_at, m.attempted_at, m.attempts,
                       c.status, c.programme, p.nhs_number,
                       -- The opt-out rule (views of V80): the patient, or the number this text goes to, which
                       -- was frozen at launch and may no longer be the mobile on their record.
                       (EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = m.patient_id)
                        OR EXISTS (SELECT 1 FROM opted_out_number n WHERE n.phone = m.to_number)) AS opted_out,
                       EXISTS (SELECT 1 FROM event e WHERE e.patient_id = m.patient_id AND e.event_type = ANY(?)) AS deceased,
                       -- The one conversion rule (V120, docs/reports.md): the report counts the same event.
                       -- Besides it, a safety stop that is not a conversion: a test dated on or after the
                       -- cohort's asOf but before the first text, imported after launch, means the patient acted
                       -- after they were chosen, so the text would ask them for what they have done.
                       COALESCE(
                           (SELECT cv.event_type || ' dated ' || cv.event_date
                            FROM conversion(m.patient_id, q.events,
                                            conversion_index_date(r.index_date, c.start_at, ?), c.attribution_days) cv),
                           (SELECT e.event_type || ' dated ' || e.event_date || ', before the first text'
                            FROM event e
                            WHERE e.patient_id = m.patient_id AND e.event_type = ANY(q.events)
                              AND e.imported_at >= c.launched_at AND e.event_date >= c.as_of
                            ORDER BY e.event_date LIMIT 1)) AS conversion,
                       -- The latest earlier text: a wave between may have been a letter or a call (issue 14).
                       CASE WHEN m.wave > 1 THEN (
                           SELECT prev.status FROM message prev WHERE prev.campaign_id = m.campaign_id
                               AND prev.patient_id = m.patient_id AND prev.wave < m.wave
                           ORDER BY prev.wave DESC LIMIT 1) END AS previous_status,
                       p.given_name, pr.name AS practice_name,
                       -- Moved by a later patient import to a practice of another PCN: not this campaign's patient.
                       (pr.pcn_id IS NOT NULL AND pr.pcn_id <> c.pcn_id) AS registered_elsewhere,
                       -- The campaign's phone for replies, when it has one, stands for the practice's.
                       COALESCE(c.reply_phone, pr.phone) AS practice_phone,
                       -- The tracked booking link, issued once at launch (V150).
                       bl.token AS booking_token
                FROM claimed m
                JOIN campaign c ON c.id = m.campaign_id
                LEFT JOIN booking_link bl ON bl.message_id = m.id
                JOIN patient p ON p.id = m.patient_id
                JOIN recipient r ON r.id = m.recipient_id
                LEFT JOIN practice pr ON pr.code = p.practice_code
                CROSS JOIN LATERAL (
                    SELECT ARRAY(SELECT q.event_type FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]))
                                     AS q(programme, event_type) WHERE q.programme = c.programme) AS events) q
                ORDER BY m.due_at, m.id""")) {
            ps.setArray(1, c.createArrayOf("bigint", candidates.toArray()));
            ps.setString(2, r.token());
            ps.setTimestamp(3, Timestamp.from(r.leaseUntil()));
            ps.setArray(4, c.createArrayOf("text", r.deceasedEventTypes().toArray()));
            ps.setString(5, zone.getId());
            ps.setArray(6, c.createArrayOf("text", r.qualifyingProgrammes().toArray()));
            ps.setArray(7, c.createArrayOf("text", r.qualifyingEvents().toArray()));
            List<Claimed> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String practice = rs.getString("practice_name");
                    String phone = rs.getString("practice_phone");
                    Placeholders values = practice == null ? null
                            : new Placeholders(rs.getString("given_name"), practice, phone == null ? "" : phone, null);
                    String previous = rs.getString(18);
                    Claimed.Context context = new Claimed.Context(rs.getString(12), rs.getString(13),
                            rs.getString(14), rs.getBoolean(15), rs.getBoolean(16), rs.getString(17),
                            previous == null ? null : MessageStatus.valueOf(previous), values, rs.getString("booking_token"),
                            rs.getBoolean("registered_elsewhere"));
                    Timestamp attempted = rs.getTimestamp(10);
                    out.add(new Claimed(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getTimestamp(9).toInstant(),
                            attempted == null ? null : attempted.toInstant(), rs.getInt(11), context));
                }
            }
            return out;
        }
    }
}
