package io.uptake.optout;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.cohort.CohortMember;
import io.uptake.cohort.Cohorts;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every row of the truth table, played through the running service: STOP and START as signed Twilio webhooks
 * (so the reply matcher counts who may be on the number), CCC records through the patient API, dissents through
 * the event import, 21610 as the dispatcher and status webhook write it. Then the SQL form of the rule answers:
 * {@code opted_out_patient} (through OptOutLedger), {@code opted_out_number}, and the cohort that reads it.
 * Each row has its own patients and numbers, so one database serves the whole table.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T10:00:00Z")
// The table moves the service clock a day per step: the CCC's login must outlast it (sessions follow that clock).
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
class OptOutRuleDatabaseTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    OptOutLedger ledger;
    @Inject
    Cohorts cohorts;
    @Inject
    TestClock clock;

    Rows rows;
    String ccc;
    long pcn;
    int sids;

    @BeforeAll
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        pcn = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", pcn, Rows.PRACTICE_PHONE);
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    static Stream<OptOutTable.Row> table() {
        return OptOutTable.rows();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theSqlRuleAgreesWithEveryRowOfTheTruthTable(OptOutTable.Row row) {
        int base = 300 + 5 * row.number();
        String m = Rows.mobile(base);
        // Both men, higher-risk, 56: in the PSA cohort unless opted out.
        Rows.PatientRow a = rows.patient("P84001").sex("M").born(LocalDate.of(1970, 1, 1)).ethnicityGroup("BLACK")
                .named("Ade", "Row" + row.number())
                .mobile(row.household() == OptOutTable.Household.NOBODY ? Rows.mobile(base + 1) : m);
        long aId = a.insert();
        long bId = rows.patient("P84001").sex("M").born(LocalDate.of(1966, 1, 1)).ethnicityGroup("BLACK")
                .named("Ben", "Row" + row.number())
                .mobile(row.household() == OptOutTable.Household.SHARED ? m : Rows.mobile(base + 2)).insert();

        for (OptOutTable.Step step : row.steps()) {
            // One step a day, so that an imported dissent (dated at the start of its day) falls between the steps
            // around it, as the table reads.
            clock.advance(Duration.ofDays(1));
            switch (step) {
                case CCC_OPT_OUT -> cccRecords(a.nhsNumber(), "opt-out");
                case CCC_OPT_IN -> cccRecords(a.nhsNumber(), "opt-in");
                case IMPORTED_DISSENT -> importDissent(a.nhsNumber());
                case STOP -> text(m, "STOP");
                case START -> text(m, "START");
                case CARRIER_BLOCK -> ledger.fromNumber(m, aId, 0, OptOutLedger.Action.OPT_OUT,
                        OptOutLedger.Source.TWILIO_21610, "message 1", "dispatcher");
                case A_MOVES -> setMobile(aId, Rows.mobile(base + 3));
                case B_MOVES -> setMobile(bId, Rows.mobile(base + 4));
                case A_GETS_M -> setMobile(aId, m);
            }
        }

        assertThat(ledger.isOptedOut(aId)).as("A: " + row.why()).isEqualTo(row.a());
        assertThat(excludedAsOptedOut(aId)).as("A in the cohort: " + row.why()).isEqualTo(row.a());
        if (row.b() != null) {
            assertThat(ledger.isOptedOut(bId)).as("B: " + row.why()).isEqualTo(row.b());
            assertThat(excludedAsOptedOut(bId)).as("B in the cohort: " + row.why()).isEqualTo(row.b());
        } else {
            assertThat(ledger.isOptedOut(bId)).as("B is not on M").isFalse();
        }
        assertThat(ledger.isNumberOptedOut(m)).as("M: " + row.why()).isEqualTo(row.m());
    }

    @org.junit.jupiter.api.Test
    void theDatabaseRefusesEntriesTheRuleHasNoPlaceFor() {
        long p = rows.patient("P84001").mobile(Rows.mobile(299)).insert();
        // Only a CCC undoes a patient-level opt-out: a reply (or anything else) cannot write a patient-level opt-in.
        assertThatThrownBy(() -> rows.execute("INSERT INTO opt_out_ledger (at, patient_id, action, source)"
                + " VALUES (now(), ?, 'OPT_IN', 'REPLY')", p)).hasMessageContaining("opt_out_ledger_patient_opt_in_by_ccc");
        assertThatThrownBy(() -> rows.execute("INSERT INTO opt_out_ledger (at, patient_id, phone, action, source)"
                + " VALUES (now(), ?, ?, 'OPT_OUT', 'CCC')", p, Rows.mobile(299)))
                .as("a CCC speaks for the patient, not a number").hasMessageContaining("opt_out_ledger_level_source");
        assertThatThrownBy(() -> rows.execute("INSERT INTO opt_out_ledger (at, phone, action, source)"
                + " VALUES (now(), ?, 'OPT_IN', 'TWILIO_21610')", Rows.mobile(299)))
                .hasMessageContaining("opt_out_ledger_opt_out_only_sources");
        assertThatThrownBy(() -> ledger.forPatient(p, OptOutLedger.Action.OPT_IN, OptOutLedger.Source.REPLY, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.isOptedOut(p)).isFalse();
    }

    private boolean excludedAsOptedOut(long patientId) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), LONDON);
        CohortMember member = cohorts.members("psa-eligible", today, pcn).stream()
                .filter(x -> x.patientId() == patientId).findFirst().orElseThrow();
        return member.exclusions().contains("opted-out");
    }

    private void cccRecords(String nhsNumber, String action) {
        client.toBlocking().exchange(HttpRequest.POST("/api/patients/" + nhsNumber + "/" + action,
                Map.of("reason", "phoned the practice")).bearerAuth(ccc));
    }

    private void importDissent(String nhsNumber) {
        String today = LocalDate.ofInstant(clock.instant(), LONDON).toString();
        client.toBlocking().exchange(Api.csv(HttpRequest.POST("/api/imports/events",
                "nhs_number,event_date,event_type\n" + nhsNumber + "," + today + ",SMS_OPT_OUT\n")).bearerAuth(ccc));
    }

    private void text(String from, String body) {
        String sid = String.format("SMdb%030x", ++sids);
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("MessageSid", sid);
        form.put("AccountSid", "ACfake-test-account");
        form.put("From", from);
        form.put("To", "+447700900999");
        form.put("Body", body);
        form.put("NumSegments", "1");
        client.toBlocking().exchange(HttpRequest.POST("/webhooks/twilio/inbound", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign("/webhooks/twilio/inbound", form)), String.class);
    }

    private void setMobile(long patientId, String mobile) {
        // As a patient import that brings a new mobile leaves the record.
        rows.execute("UPDATE patient SET mobile = ?, updated_at = ? WHERE id = ?", mobile,
                java.sql.Timestamp.from(clock.instant()), patientId);
    }
}
