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
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One patient as the inbox's patient page shows them: who they are, every text we sent or queued for them and
 * every reply they sent, with what the CCC recorded. Only within the caller's PCN: a patient of another PCN is
 * "not found", and so are the messages and replies of another PCN's campaigns.
 */
@Singleton
class PatientThread {
    private final JdbcOperations jdbc;

    PatientThread(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    Optional<Thread> find(CurrentUser user, long patientId) {
        Optional<Patient> patient = jdbc.prepareStatement("""
                SELECT p.id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.mobile, p.mobile_problem,
                       p.language, p.practice_code, pr.name AS practice_name, pr.pcn_id, p.telephone,
                       EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = p.id) AS opted_out
                FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.id = ? AND (CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?)""", ps -> {
            ps.setLong(1, patientId);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<Patient>empty();
                }
                return Optional.of(new Patient(rs.getLong("id"), rs.getString("nhs_number"),
                        rs.getString("given_name") + " " + rs.getString("family_name"),
                        rs.getObject("date_of_birth", LocalDate.class), rs.getString("mobile"),
                        rs.getString("mobile_problem"), rs.getString("language"), rs.getString("practice_code"),
                        rs.getString("practice_name"), rs.getBoolean("opted_out"), rs.getString("telephone")));
            }
        });
        return patient.map(p -> new Thread(p, messages(user, patientId), replies(user, patientId)));
    }

    private List<Message> messages(CurrentUser user, long patientId) {
        return jdbc.prepareStatement("""
                SELECT m.id, c.id AS campaign_id, c.name AS campaign_name, m.wave, m.status, m.reason, m.body,
                       m.to_number, m.due_at, m.sent_at
                FROM message m JOIN campaign c ON c.id = m.campaign_id
                WHERE m.patient_id = ? AND (CAST(? AS BIGINT) IS NULL OR c.pcn_id = ?)
                ORDER BY COALESCE(m.sent_at, m.due_at) DESC, m.id DESC""", ps -> {
            ps.setLong(1, patientId);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            List<Message> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Message(rs.getLong("id"), rs.getLong("campaign_id"), rs.getString("campaign_name"),
                            rs.getInt("wave"), rs.getString("status"), rs.getString("reason"), rs.getString("body"),
                            rs.getString("to_number"), instant(rs, "due_at"), instant(rs, "sent_at")));
                }
            }
            return list;
        });
    }

    private List<Reply> replies(CurrentUser user, long patientId) {
        return jdbc.prepareStatement("""
                SELECT im.id, im.received_at, im.body, im.classification, im.likely_opt_out, im.inbox_status,
                       im.outcome, im.outcome_note, im.done_by, im.done_at, c.name AS campaign_name
                FROM inbound_message im LEFT JOIN campaign c ON c.id = im.campaign_id
                WHERE im.patient_id = ? AND (CAST(? AS BIGINT) IS NULL OR im.pcn_id = ?)
                ORDER BY im.received_at DESC, im.id DESC""", ps -> {
            ps.setLong(1, patientId);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            List<Reply> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Reply(rs.getLong("id"), instant(rs, "received_at"), rs.getString("body"),
                            rs.getString("classification"), rs.getBoolean("likely_opt_out"),
                            rs.getString("inbox_status"), Inbox.Outcome.labelOf(rs.getString("outcome")),
                            rs.getString("outcome_note"), rs.getString("done_by"), instant(rs, "done_at"),
                            rs.getString("campaign_name")));
                }
            }
            return list;
        });
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @Serdeable
    record Thread(Patient patient, List<Message> messages, List<Reply> replies) {
    }

    @Serdeable
    record Patient(long id, String nhsNumber, String name, LocalDate dateOfBirth, @Nullable String mobile,
                   @Nullable String mobileProblem, String language, String practiceCode, String practiceName,
                   boolean optedOut, @Nullable String telephone) {
    }

    @Serdeable
    record Message(long id, long campaignId, String campaignName, int wave, String status, @Nullable String reason,
                   @Nullable String body, String to, Instant dueAt, @Nullable Instant sentAt) {
    }

    /** @param outcome the outcome's label ("Already screened elsewhere"), empty while open or for none */
    @Serdeable
    record Reply(long id, Instant receivedAt, String body, String classification, boolean likelyOptOut,
                 String inboxStatus, String outcome, @Nullable String outcomeNote, @Nullable String doneBy,
                 @Nullable Instant doneAt, @Nullable String campaignName) {
    }
}
