package io.uptake.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.template.Placeholders;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one writer of {@code message} rows: every statement that creates a message or changes its status,
 * claim or due time is here, and nowhere else (MessageWriterArchitectureTest fails the build otherwise).
 * It holds SQL, not decisions: the dispatcher decides what a claimed message becomes, the status
 * callbacks decide whether a report moves it forward, housekeeping and the campaign decide when to
 * defer, skip or cancel.
 * <p>
 * The claim's statements ({@link #claim}, {@link #extendLease}, {@link #record}) run on the pool itself, one
 * short transaction each, because the dispatcher owns its threads. The others join the caller's transaction.
 * The reconciler's statements are beside this class, in {@link Reconciliations}.
 */
@Singleton
public class Outbox {
    /**
     * The advisory-lock namespace (with {@code hashtext(to_number)} as the key) that a claim and a reconcile take
     * for a number: one text per number in flight, and one reconcile by content per number at a time.
     */
    static final int NUMBER_LOCK = 12;

    private final DataSource db;
    private final JdbcOperations jdbc;
    /** The service's zone (uptake.timezone, through the clock): the day a text went, and conversion windows. */
    private final ZoneId zone;

    Outbox(DataSource dataSource, JdbcOperations jdbc, Clock clock) {
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
        this.jdbc = jdbc;
        this.zone = clock.getZone();
    }

    /** What a claim is for, and what its checks need to know. */
    public record ClaimRequest(String token, Collection<Long> campaignIds, Instant now, int limit, Instant leaseUntil,
                               List<String> deceasedEventTypes, List<String> qualifyingProgrammes,
                               List<String> qualifyingEvents) {
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
     * should see: the claim changes only this batch's status and lease.
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

    /** The first due message of each number whose lock this transaction took (see {@link #NUMBER_LOCK}). */
    private static List<Long> lockedNumbersDue(Connection c, ClaimRequest r) throws SQLException {
        try (var ps = c.prepareStatement("""
                WITH due AS (
                    SELECT id, to_number, due_at FROM message
                    WHERE status = 'PENDING' AND due_at <= ? AND campaign_id = ANY(?)
                    ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED),
                first AS (SELECT DISTINCT ON (to_number) id, to_number, due_at FROM due ORDER BY to_number, due_at, id)
                SELECT id FROM first WHERE pg_try_advisory_xact_lock(?, hashtext(to_number)) ORDER BY due_at, id""")) {
            ps.setTimestamp(1, Timestamp.from(r.now()));
            ps.setArray(2, c.createArrayOf("bigint", r.campaignIds().toArray()));
            ps.setInt(3, r.limit());
            ps.setInt(4, NUMBER_LOCK);
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
                            previous == null ? null : MessageStatus.valueOf(previous), values, rs.getString("booking_token"));
                    Timestamp attempted = rs.getTimestamp(10);
                    out.add(new Claimed(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getTimestamp(9).toInstant(),
                            attempted == null ? null : attempted.toInstant(), rs.getInt(11), context));
                }
            }
            return out;
        }
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

    /**
     * Records the transitions of one claim in one statement (so one transaction and one round trip), with
     * the wave-1 index date of recipients whose invitation the provider took. Only rows the claim still
     * holds are touched: if its lease ran out and another claim took the message over, that one decides
     * instead. A status a callback already moved on from SENDING is kept.
     */
    public void record(String token, List<Transition> transitions, List<Claimed> claimed, Instant now)
            throws SQLException {
        record(token, transitions, claimed, now, null);
    }

    /** As above; {@code provider} ("twilio", "notify", "simulated") is stored on each text it took (V232). */
    public void record(String token, List<Transition> transitions, List<Claimed> claimed, Instant now,
                       @Nullable String provider) throws SQLException {
        if (!transitions.isEmpty()) {
            write(token, transitions, claimed, now, provider);
        }
    }

    /** One transition as the record statement's columns; null columns are left as they are. */
    private record Columns(MessageStatus status, boolean released, String reason, String errorCode,
                           String providerSid, String body, Integer segments, Instant sentAt, Instant dueAt,
                           int addAttempts, Instant attemptedAt) {
        static Columns of(Transition t) {
            if (t instanceof Transition.Release r) {
                return new Columns(MessageStatus.PENDING, true, null, null, null, null, null, null, r.until(), 0, null);
            }
            if (t instanceof Transition.Stop s) {
                return new Columns(s.status(), false, s.reason(), null, null, null, null, null, null, 0, null);
            }
            if (t instanceof Transition.Accepted a) {
                return new Columns(MessageStatus.QUEUED, false, null, null, a.providerSid(), a.body(), a.segments(),
                        a.sentAt(), null, 0, a.attemptedAt());
            }
            if (t instanceof Transition.Retry r) {
                return new Columns(MessageStatus.PENDING, false, r.reason(), r.errorCode(), null, null, null, null,
                        r.dueAt(), r.addAttempts(), r.attemptedAt());
            }
            if (t instanceof Transition.Failed f) {
                return new Columns(MessageStatus.FAILED, false, f.reason(), f.errorCode(), null, f.body(),
                        f.segments(), null, null, f.addAttempts(), f.attemptedAt());
            }
            Transition.Unknown u = (Transition.Unknown) t;
            return new Columns(MessageStatus.UNKNOWN, false, u.reason(), u.errorCode(), null, u.body(), u.segments(),
                    null, u.reconcileAt(), 0, u.attemptedAt());
        }
    }

    private void write(String token, List<Transition> transitions, List<Claimed> claimed, Instant now,
                       @Nullable String provider) throws SQLException {
        Map<Long, Claimed> byId = new HashMap<>();
        claimed.forEach(m -> byId.put(m.id(), m));
        int n = transitions.size();
        Long[] ids = new Long[n];
        String[] status = new String[n];
        Boolean[] released = new Boolean[n];
        String[] reason = new String[n];
        String[] errorCode = new String[n];
        String[] sid = new String[n];
        String[] body = new String[n];
        Integer[] segments = new Integer[n];
        String[] sentAt = new String[n];
        String[] dueAt = new String[n];
        Integer[] addAttempts = new Integer[n];
        String[] attemptedAt = new String[n];
        List<Long> invited = new ArrayList<>();
        List<String> invitedAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Transition t = transitions.get(i);
            Claimed m = byId.get(t.id());
            Columns u = Columns.of(t);
            if (m.wave() == 1 && t instanceof Transition.Accepted a && a.sentAt() != null) {
                invited.add(m.recipientId());
                invitedAt.add(text(a.sentAt()));
            }
            ids[i] = t.id();
            status[i] = u.status().name();
            released[i] = u.released();
            reason[i] = u.reason();
            errorCode[i] = u.errorCode();
            sid[i] = u.providerSid();
            body[i] = u.body();
            segments[i] = u.segments();
            sentAt[i] = text(u.sentAt());
            dueAt[i] = text(u.dueAt());
            addAttempts[i] = u.addAttempts();
            attemptedAt[i] = text(u.attemptedAt());
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH u AS (
                    SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS BOOLEAN[]), CAST(? AS TEXT[]),
                                         CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS INT[]),
                                         CAST(? AS TIMESTAMPTZ[]), CAST(? AS TIMESTAMPTZ[]), CAST(? AS INT[]),
                                         CAST(? AS TIMESTAMPTZ[]))
                        AS u(id, status, released, reason, error_code, provider_sid, body, segments, sent_at, due_at,
                             add_attempts, attempted_at)),
                done AS (
                    -- A status callback can arrive before this record: then the row has left SENDING, and its
                    -- status, reason, error code and status time are the callback's, kept as they are.
                    UPDATE message m SET
                        status = CASE WHEN m.status = 'SENDING' THEN u.status ELSE m.status END,
                        reason = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.reason ELSE u.reason END,
                        error_code = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.error_code
                                          ELSE u.error_code END,
                        provider_sid = COALESCE(u.provider_sid, m.provider_sid), body = COALESCE(u.body, m.body),
                        provider = CASE WHEN u.provider_sid IS NOT NULL THEN COALESCE(CAST(? AS TEXT), m.provider)
                                        ELSE m.provider END,
                        segments = COALESCE(u.segments, m.segments), sent_at = COALESCE(u.sent_at, m.sent_at),
                        status_at = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.status_at ELSE ? END,
                        due_at = COALESCE(u.due_at, m.due_at), attempts = m.attempts + u.add_attempts,
                        attempted_at = COALESCE(u.attempted_at, m.attempted_at), claimed_by = NULL, claimed_until = NULL
                    FROM u WHERE m.id = u.id AND m.claimed_by = ?
                    RETURNING m.id)
                -- The index date is the day the invitation went, whoever records the message: even when our
                -- lease ran out meanwhile, this send time is truer than a later reconciliation's.
                UPDATE recipient r SET index_date = CAST(timezone(z.zone, x.sent_at) AS DATE)
                FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TIMESTAMPTZ[])) AS x(recipient_id, sent_at),
                     (SELECT CAST(? AS TEXT) AS zone) z
                WHERE r.id = x.recipient_id AND r.index_date IS NULL""")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", status));
            ps.setArray(3, c.createArrayOf("bool", released));
            ps.setArray(4, c.createArrayOf("text", reason));
            ps.setArray(5, c.createArrayOf("text", errorCode));
            ps.setArray(6, c.createArrayOf("text", sid));
            ps.setArray(7, c.createArrayOf("text", body));
            ps.setArray(8, c.createArrayOf("int4", segments));
            ps.setArray(9, c.createArrayOf("text", sentAt));
            ps.setArray(10, c.createArrayOf("text", dueAt));
            ps.setArray(11, c.createArrayOf("int4", addAttempts));
            ps.setArray(12, c.createArrayOf("text", attemptedAt));
            ps.setString(13, provider);
            ps.setTimestamp(14, Timestamp.from(now));
            ps.setString(15, token);
            ps.setArray(16, c.createArrayOf("bigint", invited.toArray()));
            ps.setArray(17, c.createArrayOf("text", invitedAt.toArray()));
            ps.setString(18, zone.getId());
            ps.executeUpdate();
        }
    }

    // --- Creating messages (in the caller's transaction) ---

    /** One message per TEXTED recipient of the campaign for this wave; those without a usable mobile are SKIPPED. */
    public int enqueueWave(long campaignId, int wave, String templateKey, Instant due, Instant now) {
        return jdbc.prepareStatement("""
                INSERT INTO message (campaign_id, recipient_id, patient_id, wave, template_key, to_number, language,
                                     status, reason, due_at, created_at)
                SELECT r.campaign_id, r.id, r.patient_id, ?, ?, COALESCE(r.mobile, ''), r.language,
                       CASE WHEN r.mobile IS NULL OR r.mobile = '' THEN 'SKIPPED' ELSE 'PENDING' END,
                       CASE WHEN r.mobile IS NULL OR r.mobile = '' THEN 'no usable mobile number' END, ?, ?
                FROM recipient r WHERE r.campaign_id = ? AND r.arm = 'TEXTED'""", ps -> {
            ps.setInt(1, wave);
            ps.setString(2, templateKey);
            ps.setTimestamp(3, Timestamp.from(due));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, campaignId);
            return ps.executeUpdate();
        });
    }

    // --- Set-based chores (housekeeping, the campaign's own actions, opt-outs; in the caller's transaction) ---

    /** SENDING messages whose claim ran out may have gone: UNKNOWN, to reconcile before any resend. */
    public int expireClaims(Instant now) {
        return jdbc.prepareStatement("""
                UPDATE message SET status = 'UNKNOWN', claimed_by = NULL, claimed_until = NULL,
                       reason = 'claim expired while sending (instance stopped?): reconcile before any resend'
                WHERE status = 'SENDING' AND claimed_until < ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            return ps.executeUpdate();
        });
    }

    /**
     * Cancels the PENDING reminders of a programme's open campaigns whose patient had a qualifying event on or
     * after the day of their invitation, which went.
     */
    public int cancelConverted(String programme, List<String> qualifyingEvents, Instant now) {
        return jdbc.prepareStatement("""
                WITH conv AS (
                    -- The one conversion rule (V120, docs/reports.md): the report counts the same event.
                    SELECT m.id, (SELECT cv.event_type || ' dated ' || cv.event_date
                                  FROM conversion(m.patient_id, CAST(? AS TEXT[]),
                                                  conversion_index_date(r.index_date, c.start_at, ?),
                                                  c.attribution_days) cv) AS what
                    FROM message m
                    JOIN campaign c ON c.id = m.campaign_id
                    JOIN recipient r ON r.id = m.recipient_id
                    JOIN message w1 ON w1.campaign_id = m.campaign_id AND w1.patient_id = m.patient_id AND w1.wave = 1
                    WHERE c.programme = ? AND c.status IN ('SCHEDULED', 'SENDING', 'PAUSED')
                      AND m.wave > 1 AND m.status = 'PENDING'
                      AND w1.status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED'))
                UPDATE message m SET status = 'CANCELLED', status_at = ?, reason = 'converted: ' || conv.what
                FROM conv WHERE m.id = conv.id AND conv.what IS NOT NULL""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", qualifyingEvents.toArray()));
            ps.setString(2, zone.getId());
            ps.setString(3, programme);
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate();
        });
    }

    /** SKIPPED: PENDING messages of sending campaigns due before {@code limit} (downtime past the catch-up limit). */
    public int skipMissed(Instant now, Instant limit, long catchUpHours) {
        return jdbc.prepareStatement("""
                UPDATE message m SET status = 'SKIPPED', status_at = ?,
                       reason = 'missed: due ' || to_char(m.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')
                                || ', more than the catch-up limit of ' || ? || 'h ago'
                FROM campaign c WHERE c.id = m.campaign_id AND c.status = 'SENDING'
                  AND m.status = 'PENDING' AND m.due_at < ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, catchUpHours);
            ps.setTimestamp(3, Timestamp.from(limit));
            return ps.executeUpdate();
        });
    }

    /** The campaign's PENDING messages due at or before {@code now} move to {@code to} (its window is closed). */
    public int deferDue(long campaignId, Instant now, Instant to) {
        return jdbc.prepareStatement("""
                UPDATE message SET due_at = ? WHERE campaign_id = ? AND status = 'PENDING' AND due_at <= ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(to));
            ps.setLong(2, campaignId);
            ps.setTimestamp(3, Timestamp.from(now));
            return ps.executeUpdate();
        });
    }

    /** The campaign's PENDING messages due before {@code to} move to it (a resumed campaign's next open slot). */
    public int deferBefore(long campaignId, Instant to) {
        return jdbc.prepareStatement("""
                UPDATE message SET due_at = ? WHERE campaign_id = ? AND status = 'PENDING' AND due_at < ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(to));
            ps.setLong(2, campaignId);
            ps.setTimestamp(3, Timestamp.from(to));
            return ps.executeUpdate();
        });
    }

    /** A cancelled campaign's unsent messages; an UNKNOWN one's reason says it may have gone. */
    public int cancelCampaign(long campaignId, Instant now) {
        return jdbc.prepareStatement("""
                UPDATE message SET status = 'CANCELLED', status_at = ?, claimed_by = NULL, claimed_until = NULL,
                       reason = CASE WHEN status = 'UNKNOWN' THEN 'campaign cancelled; an earlier attempt may have been sent'
                                     ELSE 'campaign cancelled' END
                WHERE campaign_id = ? AND status IN ('PENDING', 'UNKNOWN')""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, campaignId);
            return ps.executeUpdate();
        });
    }

    /** PENDING messages to this patient or this number (an opt-out): CANCELLED with the reason. */
    public int cancelQueued(@Nullable Long patientId, @Nullable String phone, String reason) {
        return jdbc.prepareStatement("""
                UPDATE message SET status = 'CANCELLED', reason = ?
                WHERE status = 'PENDING' AND (patient_id = ? OR to_number = ?)""", ps -> {
            ps.setString(1, reason);
            ps.setObject(2, patientId, java.sql.Types.BIGINT);
            ps.setString(3, phone);
            return ps.executeUpdate();
        });
    }

    // --- Provider reports (status callbacks; in the caller's transaction) ---

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

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
