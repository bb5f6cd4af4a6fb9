package io.uptake.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way tests write campaign, recipient and message rows, as the campaign engine would leave them. Every
 * default time comes from the clock given (the context's {@link TestClock} where the test moves time), never
 * from the database's or the JVM's wall clock, so a row's dates are where the test says they are; dates a test
 * needs are computed from {@link #today()}, not written as fixed future days.
 *
 * <pre>{@code
 * CampaignRows campaigns = new CampaignRows(dataSource, clock);
 * long id = campaigns.campaign(pcnId).programme("fit-non-returners").startingOn(campaigns.today().minusDays(3)).insert();
 * long r = campaigns.recipient(id, patientId).indexDate(campaigns.today().minusDays(3)).insert();
 * campaigns.message(id, r, patientId).status("DELIVERED").sentAt(campaigns.at(campaigns.today().minusDays(3))).insert();
 * }</pre>
 *
 * Tests of one text's life (sending, status callbacks) that need no particular campaign use {@link #text}: each
 * builder makes one PCN, practice and campaign on its first text.
 */
public final class CampaignRows {
    private static final AtomicInteger TEXT_CAMPAIGNS = new AtomicInteger();
    private final DataSource dataSource;
    private final Rows rows;
    private final Clock clock;
    private Long textCampaign;
    private String textPractice;

    public CampaignRows(DataSource dataSource, Clock clock) {
        this.dataSource = Database.raw(dataSource);
        this.rows = new Rows(dataSource);
        this.clock = clock;
    }

    /** Today in the service's zone, by the clock. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone());
    }

    /** 10:00 on that day in the service's zone (inside the default send window). */
    public Instant at(LocalDate day) {
        return day.atTime(10, 0).atZone(zone()).toInstant();
    }

    public ZoneId zone() {
        return clock.getZone();
    }

    public Instant now() {
        return clock.instant();
    }

    public CampaignRow campaign(long pcnId) {
        return new CampaignRow(pcnId);
    }

    public RecipientRow recipient(long campaignId, long patientId) {
        return new RecipientRow(campaignId, patientId);
    }

    public MessageRow message(long campaignId, long recipientId, long patientId) {
        return new MessageRow(campaignId, recipientId, patientId);
    }

    /** A text to that mobile, SENDING (as the dispatcher leaves it before calling the sender). */
    public Text text(String mobile, String body) {
        return text(mobile, body, "SENDING");
    }

    /**
     * A text to that mobile in that status, due now, one segment: a new patient with that mobile, texted in English
     * in this builder's campaign (SENDING, not launched: nothing sends it but the test).
     */
    public Text text(String mobile, String body, String status) {
        if (textCampaign == null) {
            int n = TEXT_CAMPAIGNS.incrementAndGet();
            long pcn = rows.pcn("SMS test PCN " + n);
            textPractice = rows.practice("T" + String.format("%05d", n), "SMS test practice", pcn);
            textCampaign = campaign(pcn).name("SMS test").notLaunched().insert();
        }
        long patient = rows.patient(textPractice).mobile(mobile).insert();
        long recipient = recipient(textCampaign, patient).language("en").mobile(mobile).insert();
        long message = message(textCampaign, recipient, patient).body(body).segments(1).status(status).insert();
        return new Text(message, patient);
    }

    public record Text(long messageId, long patientId) {
    }

    /** What a message row holds after sending and callbacks. */
    public record MessageState(String status, String errorCode, String reason, String providerSid, Instant sentAt,
                               Instant statusAt) {
    }

    public MessageState state(long messageId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, error_code, reason, provider_sid, sent_at, status_at FROM message WHERE id = ?")) {
            ps.setLong(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no message " + messageId);
                }
                return new MessageState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** A campaign row; by default an SMS campaign of "fit-non-returners", SENDING, started and launched now. */
    public final class CampaignRow {
        private final long pcnId;
        private String name = "Test campaign";
        private String programme = "fit-non-returners";
        private String source = "SMS";
        private String status = "SENDING";
        private Instant startAt = clock.instant();
        private LocalDate asOf;
        private int attributionDays = 28;
        private String createdBy = "test";
        private boolean launched = true;

        private CampaignRow(long pcnId) {
            this.pcnId = pcnId;
        }

        public CampaignRow name(String value) {
            name = value;
            return this;
        }

        public CampaignRow programme(String value) {
            programme = value;
            return this;
        }

        public CampaignRow source(String value) {
            source = value;
            return this;
        }

        public CampaignRow status(String value) {
            status = value;
            return this;
        }

        public CampaignRow startAt(Instant value) {
            startAt = value;
            return this;
        }

        /** Started at 09:00 on that day in the service's zone. */
        public CampaignRow startingOn(LocalDate day) {
            startAt = day.atTime(9, 0).atZone(zone()).toInstant();
            return this;
        }

        /** The cohort's date; by default the start day. */
        public CampaignRow asOf(LocalDate value) {
            asOf = value;
            return this;
        }

        public CampaignRow attributionDays(int value) {
            attributionDays = value;
            return this;
        }

        public CampaignRow createdBy(String value) {
            createdBy = value;
            return this;
        }

        /** Not launched yet: no launched_at. */
        public CampaignRow notLaunched() {
            launched = false;
            return this;
        }

        /** Writes the campaign; returns its id. Created now by the clock, launched at its start. */
        public long insert() {
            LocalDate cohortDate = asOf != null ? asOf : LocalDate.ofInstant(startAt, zone());
            return rows.queryLong("""
                    INSERT INTO campaign (pcn_id, name, programme, source, status, as_of, start_at, attribution_days,
                                          created_by, created_at, launched_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    pcnId, name, programme, source, status, Date.valueOf(cohortDate), Timestamp.from(startAt),
                    attributionDays, createdBy, Timestamp.from(clock.instant()),
                    launched ? Timestamp.from(startAt) : null);
        }
    }

    /** A recipient row; by default of the texted arm, in English, the patient's mobile, no index date yet. */
    public final class RecipientRow {
        private final long campaignId;
        private final long patientId;
        private String arm = "TEXTED";
        private String language;
        private String mobile;
        private boolean mobileGiven;
        private LocalDate indexDate;

        private RecipientRow(long campaignId, long patientId) {
            this.campaignId = campaignId;
            this.patientId = patientId;
        }

        public RecipientRow arm(String value) {
            arm = value;
            return this;
        }

        /** By default the patient's own language. */
        public RecipientRow language(String value) {
            language = value;
            return this;
        }

        /** By default the patient's own mobile (null stays null). */
        public RecipientRow mobile(String value) {
            mobile = value;
            mobileGiven = true;
            return this;
        }

        public RecipientRow indexDate(LocalDate value) {
            indexDate = value;
            return this;
        }

        /** Writes the recipient; returns its id. */
        public long insert() {
            return rows.queryLong("""
                    INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, index_date, created_at)
                    SELECT ?, p.id, ?, COALESCE(?, p.language), CASE WHEN ? THEN ? ELSE p.mobile END, ?, ?
                    FROM patient p WHERE p.id = ? RETURNING id""",
                    campaignId, arm, language, mobileGiven, mobile, indexDate == null ? null : Date.valueOf(indexDate),
                    Timestamp.from(clock.instant()), patientId);
        }
    }

    /**
     * A message row; by default wave 1 ('initial'), to the recipient's mobile, in their language, PENDING and due
     * now. {@link #sentAt} also sets the status time; a wave above 1 is a 'reminder'.
     */
    public final class MessageRow {
        private final long campaignId;
        private final long recipientId;
        private final long patientId;
        private int wave = 1;
        private String templateKey;
        private String to;
        private String language;
        private String body;
        private Integer segments;
        private String status = "PENDING";
        private Instant dueAt;
        private Instant sentAt;
        private Instant statusAt;
        private String providerSid;
        private String reason;

        private MessageRow(long campaignId, long recipientId, long patientId) {
            this.campaignId = campaignId;
            this.recipientId = recipientId;
            this.patientId = patientId;
        }

        public MessageRow wave(int value) {
            wave = value;
            return this;
        }

        public MessageRow templateKey(String value) {
            templateKey = value;
            return this;
        }

        /** By default the recipient's mobile, else a drama-range number. */
        public MessageRow to(String value) {
            to = value;
            return this;
        }

        public MessageRow language(String value) {
            language = value;
            return this;
        }

        public MessageRow body(String value) {
            body = value;
            return this;
        }

        public MessageRow segments(Integer value) {
            segments = value;
            return this;
        }

        public MessageRow status(String value) {
            status = value;
            return this;
        }

        public MessageRow dueAt(Instant value) {
            dueAt = value;
            return this;
        }

        /** Sent (handed to the provider) then: also its due and status time unless given. */
        public MessageRow sentAt(Instant value) {
            sentAt = value;
            return this;
        }

        public MessageRow statusAt(Instant value) {
            statusAt = value;
            return this;
        }

        public MessageRow providerSid(String value) {
            providerSid = value;
            return this;
        }

        public MessageRow reason(String value) {
            reason = value;
            return this;
        }

        /** Writes the message; returns its id. */
        public long insert() {
            Instant due = dueAt != null ? dueAt : sentAt != null ? sentAt : clock.instant();
            Instant at = statusAt != null ? statusAt : sentAt;
            return rows.queryLong("""
                    INSERT INTO message (campaign_id, recipient_id, patient_id, wave, template_key, to_number, language,
                                         body, segments, status, due_at, sent_at, status_at, provider_sid, reason,
                                         created_at)
                    SELECT ?, r.id, ?, ?, ?, COALESCE(?, r.mobile, '+447700900123'), COALESCE(?, r.language), ?, ?, ?, ?,
                           ?, ?, ?, ?, ?
                    FROM recipient r WHERE r.id = ? RETURNING id""",
                    campaignId, patientId, wave, templateKey != null ? templateKey : wave == 1 ? "initial" : "reminder",
                    to, language, body, segments, status, Timestamp.from(due),
                    sentAt == null ? null : Timestamp.from(sentAt), at == null ? null : Timestamp.from(at),
                    providerSid, reason, Timestamp.from(clock.instant()), recipientId);
        }
    }
}
