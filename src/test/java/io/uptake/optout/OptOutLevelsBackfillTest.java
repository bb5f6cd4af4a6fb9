package io.uptake.optout;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V81 on rows shaped as the service wrote them before V80 (Flyway ran it on an empty database, so the
 * test runs its file again, which adds only what is missing): an own STOP keeps following its patient, a shared
 * number's STOP stays the number's, and every SMS_OPT_OUT event is in the ledger.
 */
@MicronautTest(transactional = false)
class OptOutLevelsBackfillTest {
    @Inject
    DataSource dataSource;
    @Inject
    OptOutLedger ledger;

    Rows rows;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        rows.practice("P84001", "Oak Surgery", rows.pcn("North PCN"), Rows.PRACTICE_PHONE);
    }

    private long patient(String mobile) {
        return rows.patient("P84001").mobile(mobile).insert();
    }

    /** A STOP as InboundReplies stored it before V80: one entry, with the patient and the number. */
    private void oldStop(long patientId, String mobile, String sid, Integer candidates) {
        if (candidates != null) {
            rows.execute("""
                    INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id,
                                                 candidate_patients, language, classification, inbox_status)
                    VALUES (?, ?, '+447700900999', 'STOP', TIMESTAMPTZ '2025-06-01 10:00Z', ?, ?, 'en', 'OPT_OUT', 'NONE')""",
                    sid, mobile, patientId, candidates);
        }
        rows.execute("""
                INSERT INTO opt_out_ledger (at, patient_id, phone, action, source, reference)
                VALUES (TIMESTAMPTZ '2025-06-01 10:00Z', ?, ?, 'OPT_OUT', 'REPLY', ?)""", patientId, mobile, sid);
    }

    private long event(long patientId) {
        return rows.queryLong("""
                INSERT INTO event (patient_id, event_date, event_type, value, imported_at)
                VALUES (?, DATE '2025-05-01', 'SMS_OPT_OUT', '', now()) RETURNING id""", patientId);
    }

    private void runV81() throws IOException, SQLException {
        String sql;
        try (InputStream in = getClass().getResourceAsStream("/db/migration/V81__opt_out_levels_backfill.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void setMobile(long patientId, String mobile) {
        rows.execute("UPDATE patient SET mobile = ? WHERE id = ?", mobile, patientId);
    }

    @Test
    void olderEntriesAreStatedAgainByTheRuleAndNothingIsAddedTwice() throws Exception {
        long alone = patient(Rows.mobile(601));
        oldStop(alone, Rows.mobile(601), "SM601", 1);
        long shared = patient(Rows.mobile(602));
        long family = patient(Rows.mobile(602));
        oldStop(shared, Rows.mobile(602), "SM602", 2);
        long noInbound = patient(Rows.mobile(604));
        oldStop(noInbound, Rows.mobile(604), "SM604", null);
        long dissent = patient(Rows.mobile(605));
        long missing = event(dissent);
        long imported = patient(Rows.mobile(606));
        long entered = event(imported);
        rows.execute("""
                INSERT INTO opt_out_ledger (at, patient_id, action, source, reference)
                VALUES (TIMESTAMPTZ '2025-05-01 00:00+01', ?, 'OPT_OUT', 'IMPORTED', ?)""", imported, "event:" + entered);

        runV81();
        runV81();

        assertThat(rows.queryLong("SELECT count(*) FROM opt_out_ledger WHERE level = 'PATIENT' AND patient_id = ?"
                + " AND source = 'REPLY' AND reference = 'SM601' AND at = TIMESTAMPTZ '2025-06-01 10:00Z'", alone))
                .isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM opt_out_ledger WHERE level = 'PATIENT' AND patient_id = ?",
                shared)).as("a shared number's STOP is the number's").isZero();
        assertThat(rows.queryLong("SELECT count(*) FROM opt_out_ledger WHERE level = 'PATIENT' AND patient_id = ?",
                noInbound)).as("no inbound row: the matched patient's own, the safe side").isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM opt_out_ledger WHERE patient_id = ? AND source = 'IMPORTED'"
                + " AND reference = ? AND at = TIMESTAMPTZ '2025-05-01 00:00+01'", dissent, "event:" + missing))
                .isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM opt_out_ledger WHERE patient_id = ?", imported)).isEqualTo(1);

        // What it is for: the own STOP follows the patient to a new mobile, as it did under the old rule.
        setMobile(alone, Rows.mobile(611));
        setMobile(shared, Rows.mobile(612));
        assertThat(ledger.isOptedOut(alone)).isTrue();
        assertThat(ledger.isOptedOut(shared)).isFalse();
        assertThat(ledger.isOptedOut(family)).as("still on the number that texted STOP").isTrue();
        assertThat(ledger.isOptedOut(dissent)).isTrue();
    }
}
