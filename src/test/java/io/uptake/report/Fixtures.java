package io.uptake.report;

import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Rows;

import javax.sql.DataSource;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Test rows written with SQL, as the imports and the campaign engine would leave them. */
final class Fixtures {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    private final Rows rows;
    private final CampaignRows campaigns;
    private final Clock clock;

    /** Rows dated by the service clock ({@code clock}): the context's TestClock where the test moves time. */
    Fixtures(DataSource dataSource, Clock clock) {
        this.rows = new Rows(dataSource);
        this.campaigns = new CampaignRows(dataSource, clock);
        this.clock = clock;
    }

    long pcn(String name) {
        return rows.pcn(name);
    }

    void practice(String code, String name, long pcnId) {
        rows.practice(code, name, pcnId);
    }

    /** A patient with a synthetic NHS number; returns the id. */
    Patient patient(String practice, LocalDate born, String sex, String language, String ethnicityGroup,
                    Integer imdDecile) {
        Rows.PatientRow row = rows.patient(practice).born(born).sex(sex).language(language)
                .ethnicityGroup(ethnicityGroup).imdDecile(imdDecile);
        return new Patient(row.insert(), row.nhsNumber());
    }

    Patient patient(String practice, LocalDate born, String sex) {
        return patient(practice, born, sex, "en", "WHITE", 3);
    }

    record Patient(long id, String nhsNumber) {
    }

    long campaign(long pcnId, String name, String programme, LocalDate start, int attributionDays) {
        return campaigns.campaign(pcnId).name(name).programme(programme).startingOn(start)
                .attributionDays(attributionDays).createdBy("lead").insert();
    }

    long recipient(long campaignId, Patient patient, String arm, LocalDate indexDate) {
        return campaigns.recipient(campaignId, patient.id()).arm(arm).indexDate(indexDate).insert();
    }

    /** A texted recipient with one first-wave text in the given final status. */
    long texted(long campaignId, Patient patient, LocalDate firstText, String status, int segments) {
        long recipient = recipient(campaignId, patient, "TEXTED", firstText);
        message(campaignId, recipient, patient, 1, firstText, status, segments);
        return recipient;
    }

    void message(long campaignId, long recipientId, Patient patient, int wave, LocalDate sent, String status,
                 int segments) {
        campaigns.message(campaignId, recipientId, patient.id()).wave(wave).templateKey("initial")
                .to("+447700900123").language("en").body("text").segments(segments).status(status)
                .sentAt(campaigns.at(sent)).insert();
    }

    void event(Patient patient, LocalDate date, String type, String value) {
        update("""
                INSERT INTO event (patient_id, event_date, event_type, value, imported_at)
                VALUES (?, ?, ?, ?, ?)""", patient.id(), Date.valueOf(date), type, value == null ? "" : value,
                Timestamp.from(clock.instant()));
    }

    void optOut(Patient patient, Instant at) {
        update("INSERT INTO opt_out_ledger (at, patient_id, action, source) VALUES (?, ?, 'OPT_OUT', 'REPLY')",
                Timestamp.from(at), patient.id());
    }

    /** An opt-out or opt-in recorded against a number only (a STOP from a phone, not matched to a patient). */
    void ledgerByPhone(String phone, String action, Instant at) {
        update("INSERT INTO opt_out_ledger (at, phone, action, source) VALUES (?, ?, ?, 'REPLY')",
                Timestamp.from(at), phone, action);
    }

    void setMobile(Patient patient, String mobile) {
        update("UPDATE patient SET mobile = ? WHERE id = ?", mobile, patient.id());
    }

    /** An inbound reply as the replies feature stores it, matched to the campaign. */
    void inbound(long campaignId, Patient patient, String classification, String sid) {
        update("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id,
                                             campaign_id, language, classification, inbox_status)
                VALUES (?, '+447700900123', '+447700900999', 'reply', ?, ?, ?, 'en', ?, 'NONE')""",
                sid, Timestamp.from(clock.instant()), patient.id(), campaignId, classification);
    }

    long count(String sql, Object... args) {
        return rows.queryLong(sql, args);
    }

    private long insert(String sql, Object... args) {
        return rows.queryLong(sql, args);
    }

    private void update(String sql, Object... args) {
        rows.execute(sql, args);
    }
}
