package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CCC's work queue: free-text replies and call requests. Scoped by the PCN stored with each reply
 * (the PCN of the campaign that texted the number, or of the patient's practice). A reply from a number
 * we cannot place has no PCN and only an ADMIN sees it: it may belong to anyone, and showing it to every
 * PCN would leak one PCN's patient's words to another.
 */
@Singleton
class Inbox {
    enum Status { OPEN, DONE, ALL }

    enum Outcome { CALLED, BOOKED_TEST, NOT_INTERESTED, WRONG_NUMBER }

    private final JdbcOperations jdbc;
    private final Clock clock;

    Inbox(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    List<Item> list(CurrentUser user, Status status, int limit) {
        return jdbc.prepareStatement(SELECT + """
                WHERE im.inbox_status IN ('OPEN', 'DONE')
                  AND (CAST(? AS TEXT) = 'ALL' OR im.inbox_status = ?)
                  AND (CAST(? AS BIGINT) IS NULL OR im.pcn_id = ?)
                ORDER BY im.received_at DESC, im.id DESC
                LIMIT ?""", ps -> {
            ps.setString(1, status.name());
            ps.setString(2, status.name());
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            ps.setObject(4, user.pcnScope(), Types.BIGINT);
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Item> items = new ArrayList<>();
                while (rs.next()) {
                    items.add(read(rs));
                }
                return items;
            }
        });
    }

    /** Empty when there is no such item or the caller may not see it: both answer 404. */
    @Transactional
    Optional<Item> find(CurrentUser user, long id) {
        return jdbc.prepareStatement(SELECT + """
                WHERE im.id = ? AND im.inbox_status IN ('OPEN', 'DONE')
                  AND (CAST(? AS BIGINT) IS NULL OR im.pcn_id = ?)""", ps -> {
            ps.setLong(1, id);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<Item>empty();
            }
        });
    }

    /** @return false when it was already done (a second click, or a colleague) */
    @Transactional
    boolean markDone(long id, Outcome outcome, @Nullable String note, CurrentUser user) {
        Instant now = clock.instant();
        return jdbc.prepareStatement("""
                UPDATE inbound_message SET inbox_status = 'DONE', outcome = ?, outcome_note = ?, done_by = ?, done_at = ?
                WHERE id = ? AND inbox_status = 'OPEN'""", ps -> {
            ps.setString(1, outcome.name());
            ps.setString(2, note == null || note.isBlank() ? null : note.trim());
            ps.setString(3, user.username());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, id);
            return ps.executeUpdate() == 1;
        });
    }

    /** The practices of the patients these replies were matched to, for auditing an ADMIN's view against their PCNs. */
    static List<String> practicesOf(List<Item> items) {
        return items.stream().filter(i -> i.patient() != null).map(i -> i.patient().practiceCode()).distinct().toList();
    }

    static Status status(@Nullable String raw) {
        return raw == null || raw.isBlank() ? Status.OPEN : Status.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    }

    private static final String SELECT = """
            SELECT im.id, im.received_at, im.from_number, im.body, im.language, im.classification,
                   im.keyword_language, im.likely_opt_out, im.candidate_patients, im.auto_reply, im.no_reply_reason,
                   im.inbox_status, im.outcome, im.outcome_note, im.done_by, im.done_at,
                   p.id AS patient_id, p.nhs_number, p.given_name, p.family_name, p.practice_code,
                   c.id AS campaign_id, c.name AS campaign_name,
                   m.id AS message_id, m.body AS message_body, m.sent_at AS message_sent_at,
                   EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = p.id) AS patient_opted_out
            FROM inbound_message im
            LEFT JOIN patient p ON p.id = im.patient_id
            LEFT JOIN campaign c ON c.id = im.campaign_id
            LEFT JOIN message m ON m.id = im.answered_message_id
            """;

    private static Item read(ResultSet rs) throws SQLException {
        long patientId = rs.getLong("patient_id");
        PatientRef patient = rs.wasNull() ? null : new PatientRef(patientId, rs.getString("nhs_number"),
                rs.getString("given_name") + " " + rs.getString("family_name"), rs.getString("practice_code"),
                rs.getBoolean("patient_opted_out"));
        long campaignId = rs.getLong("campaign_id");
        CampaignRef campaign = rs.wasNull() ? null : new CampaignRef(campaignId, rs.getString("campaign_name"));
        long messageId = rs.getLong("message_id");
        AnsweredMessage answered = rs.wasNull() ? null : new AnsweredMessage(messageId, rs.getString("message_body"),
                instant(rs, "message_sent_at"));
        return new Item(rs.getLong("id"), instant(rs, "received_at"), rs.getString("from_number"), rs.getString("body"),
                rs.getString("language"), rs.getString("classification"), rs.getString("keyword_language"),
                rs.getBoolean("likely_opt_out"), rs.getInt("candidate_patients"),
                rs.getInt("candidate_patients") > 1, rs.getString("auto_reply"), rs.getString("no_reply_reason"),
                rs.getString("inbox_status"), rs.getString("outcome"), rs.getString("outcome_note"),
                rs.getString("done_by"), instant(rs, "done_at"), patient, campaign, answered, null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @Serdeable
    record PatientRef(long id, String nhsNumber, String name, String practiceCode, boolean optedOut) {
    }

    @Serdeable
    record CampaignRef(long id, String name) {
    }

    @Serdeable
    record AnsweredMessage(long id, @Nullable String body, @Nullable Instant sentAt) {
    }

    /**
     * @param sharedNumber the number belongs to more than one patient: the match is the most recently texted
     * @param translationHint null for English; otherwise the recognised words and what they mean
     */
    @Serdeable
    record Item(long id, Instant receivedAt, String from, String body, String language, String classification,
                @Nullable String keywordLanguage, boolean likelyOptOut, int candidatePatients, boolean sharedNumber,
                @Nullable String autoReply, @Nullable String noReplyReason, String status, @Nullable String outcome,
                @Nullable String outcomeNote, @Nullable String doneBy, @Nullable Instant doneAt,
                @Nullable PatientRef patient, @Nullable CampaignRef campaign, @Nullable AnsweredMessage answered,
                @Nullable TranslationHint translationHint) {

        Item withHint(TranslationHint hint) {
            return new Item(id, receivedAt, from, body, language, classification, keywordLanguage, likelyOptOut,
                    candidatePatients, sharedNumber, autoReply, noReplyReason, status, outcome, outcomeNote, doneBy,
                    doneAt, patient, campaign, answered, hint);
        }
    }

    /** What we can say about a reply not in English without a translation service (none is reachable). */
    @Serdeable
    record TranslationHint(String languageName, List<String> recognised, String note) {
    }
}
