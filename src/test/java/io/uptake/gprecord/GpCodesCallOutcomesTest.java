package io.uptake.gprecord;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The call list's outcomes (issue 15) are coded entries like any other: recorded by the PCN's CCC through the call
 * API, read from the call's tries, downloaded by the practice as CSV and FHIR through the same path, on the day of
 * the outcome and for the patient's practice, once each. A booking, a decline, screened elsewhere and an unanswered
 * call (once a day) belong in the record; a wrong number does not.
 * <p>
 * The shipped code file (v3) has no confirmed code for any call outcome, so to see the entries leave the service
 * this context codes them with a test file of made-up concept ids ({@link TestCodes}); what the shipped file does
 * with them (counted, never exported) is {@link #withTheShippedCodeFileCallEntriesAreCountedButNeverExported}.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
@Property(name = GpCodesCallOutcomesTest.CODES, value = "made-up")
class GpCodesCallOutcomesTest {
    static final String CODES = "uptake.test.gp-codes";
    static final Instant MONDAY = Instant.parse("2026-03-02T09:00:00Z");

    /** The code file for this test only: the concept ids are made up, so that the call entries have codes. */
    @Singleton
    @Replaces(GpRecordCodes.class)
    @Requires(property = CODES, value = "made-up")
    static class TestCodes extends GpRecordCodes {
        TestCodes() {
            super("""
                    # test list, version t-calls, effective 2026-03-01. Made-up concept ids, for this test only.
                    entry,programme,snomed_code,term,verified,source
                    TEXT_SENT,*,711408005,Short message service text message sent to patient,yes,Vision+ help
                    REPLY_NO_ANSWER,*,1234567011,Telephone call to patient - no answer,yes,made-up for the test
                    REPLY_BOOKED_TEST,*,1234567021,Screening test booked,yes,made-up for the test
                    REPLY_NOT_INTERESTED,fit-non-returners,1234567031,Bowel cancer screening declined,yes,made-up for the test
                    REPLY_NOT_INTERESTED,*,,Declined by patient,no,none found
                    REPLY_SCREENED_ELSEWHERE,*,1234567041,Screening done elsewhere,no,made-up for the test
                    """);
        }
    }

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    CodedEntries entries;
    @Inject
    io.micronaut.transaction.TransactionOperations<java.sql.Connection> transactions;

    BlockingHttpClient http;
    Rows rows;
    CampaignRows campaigns;
    String ccc;
    long north;
    long campaign;
    String adaNhs, benNhs, cyNhs, deeNhs;
    long adaCall, benCall, cyCall, deeCall;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(MONDAY);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
        north = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        rows.practice("P84003", "Ash Surgery", north, Rows.PRACTICE_PHONE);
        ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
        campaign = campaigns.campaign(north).name("FIT with calls").programme("fit-non-returners")
                .startAt(MONDAY.minus(Duration.ofDays(28))).insert();

        Rows.PatientRow ada = rows.patient("P84001").named("Ada", "Oak").mobile(Rows.mobile(401));
        adaCall = call(ada);
        adaNhs = ada.nhsNumber();
        Rows.PatientRow ben = rows.patient("P84001").named("Ben", "Oak").mobile(Rows.mobile(402));
        benCall = call(ben);
        benNhs = ben.nhsNumber();
        Rows.PatientRow cy = rows.patient("P84003").named("Cy", "Ash").mobile(Rows.mobile(403));
        cyCall = call(cy);
        cyNhs = cy.nhsNumber();
        Rows.PatientRow dee = rows.patient("P84001").named("Dee", "Oak").mobile(Rows.mobile(404));
        deeCall = call(dee);
        deeNhs = dee.nhsNumber();
    }

    /** The patient as a recipient of the campaign with a call task of its CALL wave (the list is CallListTest's). */
    private long call(Rows.PatientRow row) {
        long patient = row.insert();
        long recipient = campaigns.recipient(campaign, patient).insert();
        return rows.queryLong("""
                INSERT INTO call_task (campaign_id, recipient_id, patient_id, wave, pcn_id, phone, language, due_on,
                                       status, created_at)
                VALUES (?, ?, ?, 3, ?, ?, 'en', ?, 'OPEN', ?) RETURNING id""",
                campaign, recipient, patient, north, row.mobile(), today(), java.sql.Timestamp.from(clock.instant()));
    }

    private void outcome(long task, String outcome) {
        http.retrieve(HttpRequest.POST("/api/calls/" + task + "/outcome", Map.of("outcome", outcome)).bearerAuth(ccc),
                Json.OBJECT);
    }

    private LocalDate today() {
        return clock.instant().atZone(clock.getZone()).toLocalDate();
    }

    private List<String> csv(String query) {
        return http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/gp-codes.csv?" + query).bearerAuth(ccc))
                .lines().toList();
    }

    /** Monday: Ada booked, Ben twice no answer, Cy screened elsewhere, Dee a wrong number. Tuesday: Ben declined. */
    private void aWeekOfCalls() {
        outcome(adaCall, "BOOKED");
        outcome(benCall, "NO_ANSWER");
        outcome(benCall, "NO_ANSWER");
        outcome(cyCall, "ALREADY_SCREENED");
        outcome(deeCall, "WRONG_NUMBER");
        clock.set(MONDAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(5)));
        outcome(benCall, "NO_ANSWER");
        outcome(benCall, "DECLINED");
    }

    @Test
    void eachCallOutcomeThatBelongsInTheRecordIsOneEntryOnItsDayForThePatientsPractice() {
        aWeekOfCalls();
        LocalDate monday = LocalDate.of(2026, 3, 2);
        LocalDate tuesday = LocalDate.of(2026, 3, 3);

        // Oak's: Ada's booking, Ben's unanswered calls once a day (two tries on Monday are one entry), Ben's decline
        // in the programme's own row. Not Dee's wrong number, not Cy (Ash's), oldest first.
        List<String> oak = csv("practice=P84001");
        assertThat(oak.get(0)).isEqualTo("nhs_number,date,snomed_code,term,practice_code");
        assertThat(oak.subList(1, 3)).containsExactlyInAnyOrder(
                adaNhs + "," + monday + ",1234567021,Screening test booked,P84001",
                benNhs + "," + monday + ",1234567011,Telephone call to patient - no answer,P84001");
        assertThat(oak.subList(3, oak.size())).containsExactlyInAnyOrder(
                benNhs + "," + tuesday + ",1234567011,Telephone call to patient - no answer,P84001",
                benNhs + "," + tuesday + ",1234567031,Bowel cancer screening declined,P84001");
        assertThat(String.join("\n", oak)).doesNotContain(deeNhs).doesNotContain(cyNhs);

        // Cy's "screened elsewhere" has an unverified code: Ash gets it only when the CCC asks for unverified codes.
        assertThat(csv("practice=P84003")).containsExactly("nhs_number,date,snomed_code,term,practice_code");
        assertThat(csv("practice=P84003&unverified=include")).containsExactly(
                "nhs_number,date,snomed_code,term,practice_code",
                cyNhs + "," + monday + ",1234567041,Screening done elsewhere,P84003");

        // A wrong number is no entry at all, not an entry left out.
        List<CodedEntry.Happened> happened = transactions.executeRead(status -> entries.happened(campaign, null));
        assertThat(happened).extracting(CodedEntry.Happened::nhsNumber).doesNotContain(deeNhs).hasSize(5);
    }

    /**
     * Issue 14: a patient the campaign wrote to (no mobile, so no recipient) is called on their telephone; the
     * call's outcome is their entry like anyone's, read through the task's patient, not a recipient.
     */
    @Test
    void aCallToAPatientWrittenToIsCodedLikeAnyOther() {
        Rows.PatientRow eve = rows.patient("P84001").named("Eve", "Oak").noMobile("no mobile number");
        long patient = eve.insert();
        long task = rows.queryLong("""
                INSERT INTO call_task (campaign_id, recipient_id, patient_id, wave, pcn_id, phone, language, due_on,
                                       status, created_at, invited_by)
                VALUES (?, NULL, ?, 3, ?, '+441614960101', 'en', ?, 'OPEN', ?, 'LETTER') RETURNING id""",
                campaign, patient, north, today(), java.sql.Timestamp.from(clock.instant()));
        outcome(task, "BOOKED");
        outcome(benCall, "WRONG_NUMBER");
        assertThat(csv("practice=P84001")).containsExactly("nhs_number,date,snomed_code,term,practice_code",
                eve.nhsNumber() + "," + today() + ",1234567021,Screening test booked,P84001");
    }

    @Test
    void anOutcomeRecordedTwiceOrADownloadMadeTwiceNeverCodesItTwice() {
        outcome(adaCall, "BOOKED");
        // A closed call takes no second outcome (409), so it has no second entry.
        assertThatThrownBy(() -> outcome(adaCall, "BOOKED")).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(409));
        outcome(benCall, "NO_ANSWER");
        outcome(benCall, "NO_ANSWER");

        assertThat(csv("practice=P84001&entries=new")).hasSize(3);
        assertThat(csv("practice=P84001&entries=new")).containsExactly("nhs_number,date,snomed_code,term,practice_code");
        assertThat(csv("practice=P84001")).hasSize(3);

        // Ben is called again the next day, and again not answered: only that is new.
        clock.set(MONDAY.plus(Duration.ofDays(1)));
        outcome(benCall, "NO_ANSWER");
        assertThat(csv("practice=P84001&entries=new")).containsExactly("nhs_number,date,snomed_code,term,practice_code",
                benNhs + "," + today() + ",1234567011,Telephone call to patient - no answer,P84001");
        assertThat(rows.queryLong("SELECT count(*) FROM gp_code_exported_entry WHERE campaign_id = ?", campaign))
                .isEqualTo(3);
    }

    @Test
    void theSameCallEntriesAsAFhirBundleOfCommunicationsParseBack() {
        aWeekOfCalls();

        Bundle oak = fhir("practice=P84001");
        assertThat(oak.getEntry()).hasSize(4);
        List<Communication> communications = oak.getEntry().stream().map(e -> (Communication) e.getResource()).toList();
        assertThat(communications).allSatisfy(c -> {
            assertThat(c.getStatus()).isEqualTo(Communication.CommunicationStatus.COMPLETED);
            assertThat(c.getSender().getIdentifier().getValue()).isEqualTo("P84001");
            assertThat(c.getSubject().getIdentifier().getSystem()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number");
            assertThat(c.getTopic().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        });
        assertThat(communications).extracting(c -> c.getSubject().getIdentifier().getValue() + " "
                        + c.getSentElement().getValueAsString() + " " + c.getTopic().getCodingFirstRep().getCode())
                .containsExactlyInAnyOrder(adaNhs + " 2026-03-02 1234567021", benNhs + " 2026-03-02 1234567011",
                        benNhs + " 2026-03-03 1234567011", benNhs + " 2026-03-03 1234567031");

        Bundle ash = fhir("practice=P84003&unverified=include");
        Communication elsewhere = (Communication) ash.getEntry().get(0).getResource();
        assertThat(ash.getEntry()).hasSize(1);
        assertThat(elsewhere.getTopic().getCodingFirstRep().getCode()).isEqualTo("1234567041");
        assertThat(elsewhere.getMeta().getTag()).extracting(Coding::getSystem, Coding::getCode)
                .contains(org.assertj.core.groups.Tuple.tuple(GpCodesFhir.CODE_STATUS, "unverified"));
    }

    @Test
    void theCodesPageCountsCallEntriesPerPracticeWithItsLastDownload() {
        aWeekOfCalls();
        csv("practice=P84001&entries=new");

        String page = http.retrieve(HttpRequest.GET("/ui/campaigns/" + campaign + "/gp-codes").bearerAuth(ccc)
                .accept(MediaType.TEXT_HTML_TYPE));
        String oak = row(page, "P84001");
        assertThat(oak).contains("Oak Surgery (P84001)")
                .contains("class=\"nhsuk-table__cell ready\">4<")
                .contains("class=\"nhsuk-table__cell downloaded\">4<")
                .contains("class=\"nhsuk-table__cell new\">0<")
                .contains("by ccc.north (CSV)");
        String ash = row(page, "P84003");
        assertThat(ash).contains("class=\"nhsuk-table__cell unverified\">1<").contains("Never");
        // The code table says which rows code a call's outcome too.
        assertThat(page).contains("Reply booked test, or a call that booked the test")
                .contains("Reply no answer, or a call not answered");
    }

    @Test
    void withTheShippedCodeFileCallEntriesAreCountedButNeverExported() {
        aWeekOfCalls();
        GpRecordCodes shipped = new GpRecordCodes();

        List<CodedEntry.Happened> happened = transactions.executeRead(status -> entries.happened(campaign, null));
        assertThat(happened).extracting(CodedEntry.Happened::kind).containsExactlyInAnyOrder(
                EntryKind.REPLY_BOOKED_TEST, EntryKind.REPLY_NO_ANSWER, EntryKind.REPLY_NO_ANSWER,
                EntryKind.REPLY_NOT_INTERESTED, EntryKind.REPLY_SCREENED_ELSEWHERE);
        // No source confirmed a concept for any of them: left out ("no code") even when unverified codes are asked
        // for, so the page counts them and no guess reaches the record.
        assertThat(happened).allSatisfy(h -> assertThat(CodedEntry.fate(h, "fit-non-returners", shipped, true))
                .as(h.kind().name()).isEqualTo(CodedEntry.Fate.NO_CODE));
    }

    private Bundle fhir(String query) {
        String body = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/gp-codes.fhir.json?" + query)
                .bearerAuth(ccc));
        return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, body);
    }

    private static String row(String page, String practice) {
        int at = page.indexOf("data-practice=\"" + practice + "\"");
        assertThat(at).as(practice).isNotNegative();
        return page.substring(at, page.indexOf("</tr>", at));
    }
}
