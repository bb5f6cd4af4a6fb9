package io.uptake.gprecord;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What a campaign did and heard that belongs in its patients' GP records, read from the rows the other features
 * own (message, letter, opt-out ledger, inbox, call list), never copied: an entry exists as long as its source row
 * does, so an export can never disagree with the campaign page.
 * <ul>
 *   <li>a text the provider took (SENT or DELIVERED; one that failed or was never delivered is not "sent to
 *       patient");</li>
 *   <li>a letter printed or posted;</li>
 *   <li>an opt-out or opt-in that came from this campaign: a reply to it, or the carrier's block of one of its
 *       texts (an opt-out imported from the GP record is already there);</li>
 *   <li>an inbox item worked to an outcome;</li>
 *   <li>a call of the call list made to an outcome that belongs in the record ({@link EntryKind#ofCallOutcome}):
 *       the final outcome once, an unanswered call once a day.</li>
 * </ul>
 * Dates are the day in the service's zone; the practice is the patient's practice now.
 */
@Singleton
class CodedEntries {
    private final JdbcOperations jdbc;
    private final ZoneId zone;

    CodedEntries(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.zone = clock.getZone();
    }

    /** The campaign's entries, for one practice or (null) all, oldest first. */
    List<CodedEntry.Happened> happened(long campaignId, @Nullable String practiceCode) {
        return jdbc.prepareStatement("""
                WITH entry AS (
                    SELECT 'sms:' || m.id AS key, 'TEXT_SENT' AS kind, m.patient_id, m.sent_at AS at
                    FROM message m
                    WHERE m.campaign_id = ? AND m.status IN ('SENT', 'DELIVERED') AND m.sent_at IS NOT NULL
                  UNION ALL
                    SELECT 'letter:' || l.id, 'LETTER_SENT', l.patient_id, l.updated_at
                    FROM letter l
                    WHERE l.campaign_id = ? AND l.status IN ('PRINTED', 'SENT', 'DELIVERED')
                  UNION ALL
                    SELECT 'optout:' || o.id, o.action, COALESCE(o.patient_id, i.patient_id), o.at
                    FROM opt_out_ledger o
                    JOIN inbound_message i ON i.message_sid = o.reference AND i.campaign_id = ?
                    WHERE o.source = 'REPLY'
                  UNION ALL
                    -- A CCC's one-click confirm of a reply that read as an opt-out (reply/ReplyOptOuts).
                    SELECT 'optout:' || o.id, o.action, o.patient_id, o.at
                    FROM opt_out_ledger o
                    JOIN inbound_message i ON o.reference = 'reply inbound:' || i.id AND i.campaign_id = ?
                    WHERE o.source = 'CCC'
                  UNION ALL
                    SELECT 'optout:' || o.id, o.action, COALESCE(o.patient_id, m.patient_id), o.at
                    FROM opt_out_ledger o
                    JOIN message m ON m.campaign_id = ? AND (m.provider_sid = o.reference OR 'message ' || m.id = o.reference)
                    WHERE o.source = 'TWILIO_21610'
                  UNION ALL
                    SELECT 'reply:' || i.id, 'REPLY:' || i.outcome, i.patient_id, i.done_at
                    FROM inbound_message i
                    WHERE i.campaign_id = ? AND i.outcome IS NOT NULL AND i.done_at IS NOT NULL
                  UNION ALL
                    -- A call of the call list (call/CallTasks), from its append-only tries. A final outcome closes
                    -- the task under its row's lock, so it has one try; an unanswered call is coded once a day per
                    -- task (its first try that day): two tries on one day would be the same line in the record twice.
                    SELECT 'call:' || a.id, 'CALL:' || a.outcome, t.patient_id, a.at
                    FROM call_attempt a JOIN call_task t ON t.id = a.task_id
                    WHERE t.campaign_id = ? AND (a.outcome <> 'NO_ANSWER' OR NOT EXISTS (
                        SELECT 1 FROM call_attempt b
                        WHERE b.task_id = a.task_id AND b.outcome = 'NO_ANSWER' AND b.id < a.id
                          AND CAST(b.at AT TIME ZONE CAST(? AS TEXT) AS DATE) = CAST(a.at AT TIME ZONE CAST(? AS TEXT) AS DATE)))
                )
                SELECT DISTINCT ON (e.key) e.key, e.kind, p.nhs_number, p.practice_code, e.at
                FROM entry e JOIN patient p ON p.id = e.patient_id
                WHERE CAST(? AS TEXT) IS NULL OR p.practice_code = ?
                ORDER BY e.key""", ps -> {
            for (int i = 1; i <= 7; i++) {
                ps.setLong(i, campaignId);
            }
            ps.setString(8, zone.getId());
            ps.setString(9, zone.getId());
            ps.setString(10, practiceCode);
            ps.setString(11, practiceCode);
            try (ResultSet rs = ps.executeQuery()) {
                List<CodedEntry.Happened> out = new ArrayList<>();
                while (rs.next()) {
                    EntryKind kind = kind(rs.getString("kind"));
                    if (kind != null) {
                        Timestamp at = rs.getTimestamp("at");
                        out.add(new CodedEntry.Happened(rs.getString("key"), kind, rs.getString("nhs_number").trim(),
                                at.toInstant().atZone(zone).toLocalDate(), rs.getString("practice_code")));
                    }
                }
                out.sort((a, b) -> a.date().equals(b.date()) ? a.key().compareTo(b.key()) : a.date().compareTo(b.date()));
                return out;
            }
        });
    }

    private static @Nullable EntryKind kind(String column) {
        return switch (column) {
            case "OPT_OUT" -> EntryKind.OPT_OUT;
            case "OPT_IN" -> EntryKind.OPT_IN;
            default -> column.startsWith("REPLY:") ? EntryKind.ofReplyOutcome(column.substring(6))
                    : column.startsWith("CALL:") ? EntryKind.ofCallOutcome(column.substring(5))
                    : EntryKind.valueOf(column);
        };
    }
}
