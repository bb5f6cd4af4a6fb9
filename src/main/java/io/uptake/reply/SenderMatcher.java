package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Who sent a reply, from the E.164 number alone. The most recent campaign message sent to that number
 * wins, because that is the text being answered; on a family mobile the other patients are counted
 * so that the CCC sees the match may be wrong. A number we never texted falls back to the patient
 * record's mobile. Only patients of the matched PCN are counted: the CCC who reads the count must not learn
 * how many of another PCN's patients share the number.
 */
@Singleton
class SenderMatcher {
    private final JdbcOperations jdbc;

    SenderMatcher(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    SenderMatch match(String from) {
        return lastMessageTo(from).or(() -> patientWithMobile(from))
                .map(m -> m.withCandidates(candidates(from, m.pcnId())))
                .orElse(SenderMatch.unknown());
    }

    private Optional<SenderMatch> lastMessageTo(String from) {
        return jdbc.prepareStatement("""
                SELECT m.id AS message_id, m.campaign_id, m.patient_id, m.language, c.pcn_id,
                       pr.name AS practice_name, pr.phone AS practice_phone
                FROM message m
                JOIN campaign c ON c.id = m.campaign_id
                JOIN patient p ON p.id = m.patient_id
                JOIN practice pr ON pr.code = p.practice_code
                WHERE m.to_number = ? AND m.sent_at IS NOT NULL
                ORDER BY m.sent_at DESC, m.id DESC
                LIMIT 1""", ps -> {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs, rs.getLong("message_id"), rs.getLong("campaign_id")))
                        : Optional.<SenderMatch>empty();
            }
        });
    }

    private Optional<SenderMatch> patientWithMobile(String from) {
        return jdbc.prepareStatement("""
                SELECT p.id AS patient_id, p.language, pr.pcn_id, pr.name AS practice_name, pr.phone AS practice_phone
                FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.mobile = ?
                ORDER BY p.updated_at DESC, p.id DESC
                LIMIT 1""", ps -> {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs, null, null)) : Optional.<SenderMatch>empty();
            }
        });
    }

    /** Patients of {@code pcnId} this number may be: texted at it, or with it as their mobile. */
    private int candidates(String from, long pcnId) {
        return jdbc.prepareStatement("""
                SELECT count(*) FROM (
                    SELECT m.patient_id FROM message m
                    WHERE m.to_number = ? AND m.sent_at IS NOT NULL
                    UNION
                    SELECT p.id FROM patient p WHERE p.mobile = ?) AS c
                JOIN patient p ON p.id = c.patient_id
                JOIN practice pr ON pr.code = p.practice_code
                WHERE pr.pcn_id = ?""", ps -> {
            ps.setString(1, from);
            ps.setString(2, from);
            ps.setLong(3, pcnId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static SenderMatch read(ResultSet rs, Long messageId, Long campaignId) throws SQLException {
        return new SenderMatch(rs.getLong("patient_id"), campaignId, messageId, rs.getLong("pcn_id"),
                rs.getString("language"), rs.getString("practice_name"), rs.getString("practice_phone"), 1);
    }

    /** @param patientId null for an unknown number, which is answered in English */
    record SenderMatch(@Nullable Long patientId, @Nullable Long campaignId, @Nullable Long messageId,
                       @Nullable Long pcnId, String language, @Nullable String practiceName,
                       @Nullable String practicePhone, int candidates) {

        static SenderMatch unknown() {
            return new SenderMatch(null, null, null, null, "en", null, null, 0);
        }

        SenderMatch withCandidates(int count) {
            return new SenderMatch(patientId, campaignId, messageId, pcnId, language, practiceName, practicePhone,
                    Math.max(count, 1));
        }

        boolean ambiguous() {
            return candidates > 1;
        }
    }
}
