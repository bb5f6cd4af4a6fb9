package io.uptake.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * When messages are due, and which never will be: the waves a launch creates, and the set-based chores of
 * housekeeping, the campaign's own actions (resume, cancel) and opt-outs that defer, skip, cancel or expire them.
 * Every statement joins the caller's transaction, so a chore commits with the change that asked for it (an
 * opt-out with its ledger entry, a cancel with the campaign's status).
 */
@Singleton
public class Schedule {
    private final JdbcOperations jdbc;
    /** The service's zone (uptake.timezone, through the clock): conversion windows. */
    private final ZoneId zone;

    Schedule(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.zone = clock.getZone();
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

    /**
     * After an import: the PENDING messages of open campaigns (SCHEDULED, SENDING, PAUSED) whose patient the data
     * now says must not be texted, CANCELLED at once with the reason, so that the campaign page shows it. The same
     * two stops as the claim's (campaign/SendEligibility): an event of {@code deceasedEventTypes} ({@code
     * deceasedReason}), or a practice on record in another PCN than the campaign's ({@code notRegisteredReason}).
     * Set-based over all open campaigns: an ADMIN's import may move a patient out of any PCN.
     *
     * @return how many were cancelled for each reason, the deceased first
     */
    public int[] cancelForImport(List<String> deceasedEventTypes, String deceasedReason, String notRegisteredReason,
                                 Instant now) {
        return jdbc.prepareStatement("""
                WITH stop AS (
                    SELECT m.id,
                           CASE WHEN EXISTS (SELECT 1 FROM event e WHERE e.patient_id = m.patient_id
                                                                    AND e.event_type = ANY(?)) THEN ?
                                WHEN pr.pcn_id <> c.pcn_id THEN ? END AS reason
                    FROM message m
                    JOIN campaign c ON c.id = m.campaign_id
                    JOIN patient p ON p.id = m.patient_id
                    LEFT JOIN practice pr ON pr.code = p.practice_code
                    WHERE m.status = 'PENDING' AND c.status IN ('SCHEDULED', 'SENDING', 'PAUSED')),
                done AS (
                    UPDATE message m SET status = 'CANCELLED', status_at = ?, reason = stop.reason
                    FROM stop WHERE m.id = stop.id AND stop.reason IS NOT NULL AND m.status = 'PENDING'
                    RETURNING m.reason)
                SELECT count(*) FILTER (WHERE reason = ?), count(*) FILTER (WHERE reason = ?) FROM done""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", deceasedEventTypes.toArray()));
            ps.setString(2, deceasedReason);
            ps.setString(3, notRegisteredReason);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, deceasedReason);
            ps.setString(6, notRegisteredReason);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
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
}
