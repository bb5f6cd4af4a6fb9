package io.uptake.sms;

import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Minimal rows for message tests, by SQL: one PCN, practice and campaign per instance, and a patient,
 * recipient and message per {@link #message}. Other features' tests may use it too.
 */
public final class SmsRows {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private final DataSource dataSource;
    private Long campaignId;
    private String practiceCode;

    public SmsRows(DataSource dataSource) {
        this.dataSource = Database.raw(dataSource);
    }

    /** A message row in status SENDING (as the dispatcher leaves it before calling the sender). */
    public Ids message(String mobile, String body) {
        return message(mobile, body, "SENDING");
    }

    public Ids message(String mobile, String body, String status) {
        try (Connection c = dataSource.getConnection()) {
            long campaign = campaign(c);
            Instant now = Instant.now();
            long patient = insert(c, """
                    INSERT INTO patient (nhs_number, given_name, family_name, date_of_birth, sex, mobile, practice_code,
                                         created_at, updated_at)
                    VALUES (?, 'Test', 'Patient', DATE '1960-01-01', 'F', ?, ?, ?, ?) RETURNING id""",
                    NhsNumbers.next(), mobile, practiceCode(), now, now);
            long recipient = insert(c, """
                    INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, created_at)
                    VALUES (?, ?, 'TEXTED', 'en', ?, ?) RETURNING id""", campaign, patient, mobile, now);
            long message = insert(c, """
                    INSERT INTO message (campaign_id, recipient_id, patient_id, wave, template_key, to_number, language,
                                         body, segments, status, due_at, created_at)
                    VALUES (?, ?, ?, 1, 'initial', ?, 'en', ?, 1, ?, ?, ?) RETURNING id""",
                    campaign, recipient, patient, mobile, body, status, now, now);
            return new Ids(message, patient);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Ids(long messageId, long patientId) {
    }

    /** What a message row holds after sending and callbacks. */
    public record State(String status, String errorCode, String reason, String providerSid, Instant sentAt,
                        Instant statusAt) {
    }

    public State state(long messageId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, error_code, reason, provider_sid, sent_at, status_at FROM message WHERE id = ?")) {
            ps.setLong(1, messageId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no message " + messageId);
                }
                return new State(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long campaign(Connection c) throws SQLException {
        if (campaignId == null) {
            int n = NEXT.incrementAndGet();
            practiceCode = "S" + String.format("%05d", n);
            Instant now = Instant.now();
            long pcn = insert(c, "INSERT INTO pcn (name, created_at) VALUES (?, ?) RETURNING id", "SMS test PCN " + n, now);
            insert(c, """
                    INSERT INTO practice (code, name, pcn_id, created_at, updated_at)
                    VALUES (?, 'SMS test practice', ?, ?, ?) RETURNING pcn_id""", practiceCode(), pcn, now, now);
            campaignId = insert(c, """
                    INSERT INTO campaign (pcn_id, name, programme, status, as_of, start_at, attribution_days, created_by,
                                          created_at)
                    VALUES (?, 'SMS test', 'FIT', 'SENDING', CURRENT_DATE, ?, 28, 'test', ?) RETURNING id""",
                    pcn, now, now);
        }
        return campaignId;
    }

    private String practiceCode() {
        return practiceCode;
    }

    private static long insert(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                ps.setObject(i + 1, a instanceof Instant t ? Timestamp.from(t) : a);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
