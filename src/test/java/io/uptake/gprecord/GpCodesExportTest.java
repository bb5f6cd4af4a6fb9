package io.uptake.gprecord;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A practice downloads its campaign's coded entries for its GP records, as CSV and as FHIR, as a CCC would: what
 * belongs in the record is there once, what does not (a failed text, another practice's patient, an unverified
 * code) is not, and "new entries" never hands the practice the same entry twice.
 */
@MicronautTest(transactional = false)
class GpCodesExportTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;

    BlockingHttpClient http;
    Rows rows;
    CampaignRows campaigns;
    String ccc;
    long north;
    long campaign;
    long recipientAda;
    long ada;
    long ben;
    String adaNhs;
    String benNhs;
    Instant sent;
    LocalDate sentDay;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
        Api api = new Api(http);
        north = rows.pcn("North PCN");
        long south = rows.pcn("South PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        rows.practice("P84003", "Ash Surgery", north, Rows.PRACTICE_PHONE);
        rows.practice("P84002", "Elm Surgery", south, Rows.PRACTICE_PHONE);
        ccc = api.user("ccc.north", "CCC", "North PCN");

        Rows.PatientRow adaRow = rows.patient("P84001").named("Ada", "Oak").mobile(Rows.mobile(201));
        ada = adaRow.insert();
        adaNhs = adaRow.nhsNumber();
        Rows.PatientRow benRow = rows.patient("P84001").named("Ben", "Oak").mobile(Rows.mobile(202));
        ben = benRow.insert();
        benNhs = benRow.nhsNumber();
        long cy = rows.patient("P84003").named("Cy", "Ash").mobile(Rows.mobile(203)).insert();
        long dee = rows.patient("P84001").named("Dee", "Oak").noMobile("no mobile recorded").insert();

        sent = campaigns.now().minus(Duration.ofDays(3));
        sentDay = sent.atZone(campaigns.zone()).toLocalDate();
        campaign = campaigns.campaign(north).name("North FIT").startAt(sent).asOf(sentDay).insert();
        recipientAda = campaigns.recipient(campaign, ada).insert();
        campaigns.message(campaign, recipientAda, ada).body("Please return your kit").segments(1)
                .status("DELIVERED").sentAt(sent).providerSid("SMada").insert();
        long recipientBen = campaigns.recipient(campaign, ben).insert();
        campaigns.message(campaign, recipientBen, ben).status("FAILED").sentAt(sent).reason("landline").insert();
        long recipientCy = campaigns.recipient(campaign, cy).insert();
        campaigns.message(campaign, recipientCy, cy).status("SENT").sentAt(sent).insert();
        rows.execute("""
                INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, provider, due_at,
                                    created_at, updated_at)
                VALUES (?, ?, 1, 'initial', 'LETTER', 'en', 'PRINTED', 'print', ?, ?, ?)""",
                campaign, dee, Timestamp.from(sent), Timestamp.from(sent), Timestamp.from(sent));

        // Ada replied STOP to the campaign's text (the ledger row names the reply), a day after it.
        Instant replied = sent.plus(Duration.ofDays(1));
        rows.execute("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id,
                    campaign_id, pcn_id, candidate_patients, language, classification, inbox_status)
                VALUES ('SMstop', ?, '+447700900999', 'STOP', ?, ?, ?, ?, 1, 'en', 'OPT_OUT', 'NONE')""",
                Rows.mobile(201), Timestamp.from(replied), ada, campaign, north);
        rows.execute("INSERT INTO opt_out_ledger (at, patient_id, action, source, reference) VALUES (?, ?, 'OPT_OUT', 'REPLY', 'SMstop')",
                Timestamp.from(replied), ada);
        // An opt-out imported from the GP record is already in it: never coded back.
        rows.execute("INSERT INTO opt_out_ledger (at, patient_id, action, source, reference) VALUES (?, ?, 'OPT_OUT', 'IMPORTED', 'event 9')",
                Timestamp.from(replied), ben);
        // Ben asked for a call and the CCC called him: the outcome's code is unverified in the shipped list.
        rows.execute("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id,
                    campaign_id, pcn_id, candidate_patients, language, classification, inbox_status, outcome, done_by,
                    done_at)
                VALUES ('SMcall', ?, '+447700900999', 'Call me', ?, ?, ?, ?, 1, 'en', 'CALL_REQUEST', 'DONE', 'CALLED',
                        'ccc.north', ?)""",
                Rows.mobile(202), Timestamp.from(replied), ben, campaign, north, Timestamp.from(replied));
    }

    @Test
    void thePracticeGetsEachEntryOfItsPatientsThatBelongsInTheRecord() {
        HttpResponse<String> response = http.exchange(csv("practice=P84001"), String.class);

        assertThat(response.getContentType().map(MediaType::getName)).hasValue("text/csv");
        assertThat(response.header("Content-Disposition")).contains("campaign-" + campaign + "-P84001-gp-codes.csv");
        LocalDate repliedDay = sent.plus(Duration.ofDays(1)).atZone(campaigns.zone()).toLocalDate();
        // Ada's delivered text and her STOP. Not Ben's failed text, his imported opt-out, nor his call (unverified
        // code); not Dee's letter (no code found); not Cy, who is Ash Surgery's.
        assertThat(response.body()).isEqualTo("""
                nhs_number,date,snomed_code,term,practice_code\r
                %s,%s,711408005,Short message service text message sent to patient,P84001\r
                %s,%s,513631000000106,Declined consent for short message service text messaging,P84001\r
                """.formatted(adaNhs, sentDay, adaNhs, repliedDay));
        assertThat(rows.queryString("SELECT detail FROM audit_log WHERE action = 'GP_CODES_EXPORTED'"))
                .isEqualTo("CSV for P84001: 2 entries; codes v3 (effective 2026-12-04)");
    }

    @Test
    void anOptOutACccConfirmedFromAReplyIsCodedToo() {
        long cy = rows.queryLong("SELECT id FROM patient WHERE given_name = 'Cy'");
        String cyNhs = rows.queryString("SELECT nhs_number FROM patient WHERE id = ?", cy);
        long inbound = rows.queryLong("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id,
                    campaign_id, pcn_id, candidate_patients, language, classification, inbox_status, outcome, done_by,
                    done_at)
                VALUES ('SMnomore', ?, '+447700900999', 'no more messages please', ?, ?, ?, ?, 1, 'en', 'FREE_TEXT',
                        'DONE', 'OPTED_OUT', 'ccc.north', ?) RETURNING id""",
                Rows.mobile(203), Timestamp.from(campaigns.now()), cy, campaign, north, Timestamp.from(campaigns.now()));
        rows.execute("INSERT INTO opt_out_ledger (at, patient_id, action, source, reference) VALUES (?, ?, 'OPT_OUT', 'CCC', ?)",
                Timestamp.from(campaigns.now()), cy, "reply inbound:" + inbound);

        assertThat(http.retrieve(csv("practice=P84003")).lines()).containsExactly(
                "nhs_number,date,snomed_code,term,practice_code",
                cyNhs + "," + sentDay + ",711408005,Short message service text message sent to patient,P84003",
                cyNhs + "," + campaigns.today() + ",513631000000106,Declined consent for short message service text messaging,P84003");
    }

    @Test
    void unverifiedCodesComeOnlyWhenAskedFor() {
        String body = http.retrieve(csv("practice=P84001&unverified=include"));
        assertThat(body).contains(benNhs + "," + sent.plus(Duration.ofDays(1)).atZone(campaigns.zone()).toLocalDate()
                + ",185317003,Telephone encounter,P84001");
        assertThat(body.lines()).hasSize(4);
    }

    @Test
    void newEntriesLeaveOutWhatThePracticeDownloadedBefore() {
        assertThat(http.retrieve(csv("practice=P84001&entries=new")).lines()).hasSize(3);
        assertThat(http.retrieve(csv("practice=P84001&entries=new")).lines()).containsExactly(
                "nhs_number,date,snomed_code,term,practice_code");

        // A reminder goes to Ada: only that is new.
        campaigns.message(campaign, recipientAda, ada).wave(2).status("SENT").sentAt(campaigns.now()).insert();
        List<String> again = http.retrieve(csv("practice=P84001&entries=new")).lines().toList();
        assertThat(again).hasSize(2);
        assertThat(again.get(1)).startsWith(adaNhs + "," + campaigns.today() + ",711408005");
        // "All" still has everything, for a practice whose import failed.
        assertThat(http.retrieve(csv("practice=P84001")).lines()).hasSize(4);
    }

    @Test
    void theSameEntriesAsAFhirBundleOfCommunicationsParseBack() {
        HttpResponse<String> response = http.exchange(HttpRequest.GET("/api/campaigns/" + campaign
                + "/gp-codes.fhir.json?practice=P84001").bearerAuth(ccc), String.class);
        assertThat(response.getContentType().map(MediaType::getName)).hasValue("application/fhir+json");

        Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, response.body());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertThat(bundle.getEntry()).hasSize(2);
        // The code list's version under its own system, never under the code-status system.
        assertThat(bundle.getMeta().getTag().stream().filter(t -> GpCodesFhir.CODE_LIST.equals(t.getSystem()))
                .map(org.hl7.fhir.r4.model.Coding::getCode)).singleElement().asString().startsWith("v3 (effective ");
        assertThat(bundle.getMeta().getTag().stream().map(org.hl7.fhir.r4.model.Coding::getSystem))
                .doesNotContain(GpCodesFhir.CODE_STATUS);
        Communication text = (Communication) bundle.getEntry().get(0).getResource();
        assertThat(text.getStatus()).isEqualTo(Communication.CommunicationStatus.COMPLETED);
        assertThat(text.getSubject().getIdentifier().getSystem()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number");
        assertThat(text.getSubject().getIdentifier().getValue()).isEqualTo(adaNhs);
        assertThat(text.getSender().getIdentifier().getValue()).isEqualTo("P84001");
        assertThat(text.getTopic().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(text.getTopic().getCodingFirstRep().getCode()).isEqualTo("711408005");
        assertThat(text.getSentElement().getValueAsString()).isEqualTo(sentDay.toString());
        Communication stop = (Communication) bundle.getEntry().get(1).getResource();
        assertThat(stop.getTopic().getCodingFirstRep().getCode()).isEqualTo("513631000000106");
        assertThat(rows.queryString("SELECT format FROM gp_code_export")).isEqualTo("FHIR");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        assertThat(refused(csv(""))).containsEntry("field", "practice");
        assertThat(refused(csv("practice=P84002")))
                .containsEntry("message", "practice: P84002 is not a practice of this campaign's PCN");
        assertThat(refused(csv("practice=P84001&entries=some"))).containsEntry("field", "entries");
        assertThat(rows.queryLong("SELECT count(*) FROM gp_code_export")).isZero();
    }

    @Test
    void anotherPcnsCampaignIsNotFoundAndLeadsCannotDownload() {
        Api api = new Api(http);
        String southCcc = api.user("ccc.south", "CCC", "South PCN");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/campaigns/" + campaign
                + "/gp-codes.csv?practice=P84002").bearerAuth(southCcc), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        String lead = api.user("lead.north", "LEAD", "North PCN");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/campaigns/" + campaign
                + "/gp-codes.csv?practice=P84001").bearerAuth(lead), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
    }

    @Test
    void theCodesPageShowsEachPracticesEntriesAndItsLastDownload() {
        http.retrieve(csv("practice=P84001&entries=new"));
        String page = http.retrieve(HttpRequest.GET("/ui/campaigns/" + campaign + "/gp-codes").bearerAuth(ccc)
                .accept(MediaType.TEXT_HTML_TYPE));
        String oak = page.substring(page.indexOf("data-practice=\"P84001\""), page.indexOf("</tr>", page.indexOf("data-practice=\"P84001\"")));
        assertThat(oak).contains("Oak Surgery (P84001)")
                .contains("class=\"nhsuk-table__cell ready\">2<")
                .contains("class=\"nhsuk-table__cell downloaded\">2<")
                .contains("class=\"nhsuk-table__cell new\">0<")
                .contains("class=\"nhsuk-table__cell unverified\">1<")
                .contains("class=\"nhsuk-table__cell no-code\">1<")
                .contains("by ccc.north (CSV)");
        String ash = page.substring(page.indexOf("data-practice=\"P84003\""), page.indexOf("</tr>", page.indexOf("data-practice=\"P84003\"")));
        assertThat(ash).contains("class=\"nhsuk-table__cell new\">1<").contains("Never");
        assertThat(page).contains("Unverified").contains("711408005");
    }

    private HttpRequest<?> csv(String query) {
        return HttpRequest.GET("/api/campaigns/" + campaign + "/gp-codes.csv" + (query.isEmpty() ? "" : "?" + query))
                .bearerAuth(ccc);
    }

    private Map<String, Object> refused(HttpRequest<?> request) {
        try {
            http.exchange(request, String.class);
            throw new AssertionError("expected a 400");
        } catch (HttpClientResponseException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(400);
            return e.getResponse().getBody(Argument.mapOf(String.class, Object.class)).orElseThrow();
        }
    }
}
