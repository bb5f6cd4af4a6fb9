package io.uptake.optout;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/patients/{nhsNumber}/opt-out and /opt-in: who may, for whom, what is written, what is refused. */
@MicronautTest(transactional = false)
class OptOutApiTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    OptOutLedger ledger;
    @Inject
    TwilioSignature signature;
    @Inject
    java.time.Clock clock;

    Rows rows;
    Api api;
    String northCcc;
    String northLead;
    String southCcc;
    Rows.PatientRow ada;
    long adaId;
    Rows.PatientRow cy;
    final String adaMobile = Rows.mobile(401);

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        api = new Api(client.toBlocking());
        long north = rows.pcn("North PCN");
        long south = rows.pcn("South PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        rows.practice("P84002", "Elm Surgery", south, Rows.PRACTICE_PHONE);
        ada = rows.patient("P84001").named("Ada", "Testperson").mobile(adaMobile);
        adaId = ada.insert();
        cy = rows.patient("P84002").named("Cy", "Testperson").mobile(Rows.mobile(402));
        cy.insert();
        northCcc = api.user("ccc.north", "CCC", "North PCN");
        northLead = api.user("lead.north", "LEAD", "North PCN");
        southCcc = api.user("ccc.south", "CCC", "South PCN");
    }

    private Map<String, Object> post(String path, Object body, String token) {
        return client.toBlocking().retrieve(HttpRequest.POST(path, body).bearerAuth(token),
                Argument.mapOf(String.class, Object.class));
    }

    private HttpClientResponseException refused(String path, Object body, String token) {
        try {
            var request = HttpRequest.POST(path, body);
            client.toBlocking().exchange(token == null ? request : request.bearerAuth(token), String.class);
        } catch (HttpClientResponseException e) {
            return e;
        }
        throw new AssertionError(path + " was accepted");
    }

    private long ledgerRows() {
        return rows.queryLong("SELECT count(*) FROM opt_out_ledger");
    }

    @Test
    void aCccRecordsAnObjectionMadeByPhoneOrLetterAndItsWithdrawalForTheirPcnsPatient() {
        CampaignRows campaigns = new CampaignRows(dataSource, clock);
        long campaign = campaigns.campaign(rows.pcnNamed("North PCN")).name("FIT").attributionDays(90).insert();
        long recipient = campaigns.recipient(campaign, adaId).language("en").mobile(adaMobile).insert();
        long reminder = campaigns.message(campaign, recipient, adaId)
                .dueAt(campaigns.now().plus(java.time.Duration.ofDays(1))).insert();

        Map<String, Object> out = post("/api/patients/" + ada.nhsNumber() + "/opt-out",
                Map.of("reason", "letter of 3 March: no texts please"), northCcc);

        assertThat(out).containsEntry("nhsNumber", ada.nhsNumber()).containsEntry("optedOut", true)
                .containsEntry("patientObjects", true).containsEntry("mobileOptedOut", false);
        assertThat(ledger.isOptedOut(adaId)).isTrue();
        long entry = rows.queryLong("""
                SELECT id FROM opt_out_ledger WHERE patient_id = ? AND phone IS NULL AND level = 'PATIENT'
                  AND action = 'OPT_OUT' AND source = 'CCC' AND reference = 'letter of 3 March: no texts please'
                  AND recorded_by = 'ccc.north'""", adaId);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE username = 'ccc.north' AND action = 'OPT_OUT_BY_CCC'"
                + " AND target = ? AND detail = ?", "patient:" + adaId, "ledger:" + entry)).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE id = ? AND status = 'CANCELLED'"
                + " AND reason = 'Opted out by CCC'", reminder)).isEqualTo(1);

        // No body at all is fine; the NHS number may be written with spaces.
        String spaced = ada.nhsNumber().substring(0, 3) + "%20" + ada.nhsNumber().substring(3, 6) + "%20"
                + ada.nhsNumber().substring(6);
        Map<String, Object> in = client.toBlocking().retrieve(HttpRequest.POST("/api/patients/" + spaced + "/opt-in", "")
                .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(northCcc), Argument.mapOf(String.class, Object.class));
        assertThat(in).containsEntry("optedOut", false).containsEntry("patientObjects", false);
        assertThat(ledger.isOptedOut(adaId)).isFalse();
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'OPT_IN_BY_CCC' AND target = ?",
                "patient:" + adaId)).isEqualTo(1);
    }

    @Test
    void aLeadOrAnAdminIsRefusedAndNothingIsRecorded() {
        assertThat(refused("/api/patients/" + ada.nhsNumber() + "/opt-out", Map.of(), northLead).getStatus().getCode())
                .isEqualTo(403);
        assertThat(refused("/api/patients/" + ada.nhsNumber() + "/opt-in", Map.of(), northLead).getStatus().getCode())
                .isEqualTo(403);
        assertThat(refused("/api/patients/" + ada.nhsNumber() + "/opt-in", Map.of(), api.adminToken()).getStatus()
                .getCode()).isEqualTo(403);
        assertThat(refused("/api/patients/" + ada.nhsNumber() + "/opt-out", Map.of(), null).getStatus().getCode())
                .isEqualTo(401);
        assertThat(ledgerRows()).isZero();
    }

    @Test
    void anotherPcnsPatientIsNotFoundAsIfUnknown() {
        HttpClientResponseException e = refused("/api/patients/" + ada.nhsNumber() + "/opt-out",
                Map.of("reason", "rang"), southCcc);
        assertThat(e.getStatus().getCode()).isEqualTo(404);
        assertThat(e.getResponse().getBody(String.class).orElse("")).doesNotContain("Ada");
        assertThat(refused("/api/patients/" + NhsNumbers.next() + "/opt-in", Map.of(), northCcc).getStatus().getCode())
                .isEqualTo(404);
        assertThat(ledgerRows()).isZero();
        assertThat(ledger.isOptedOut(adaId)).isFalse();
    }

    @Test
    void aBadNhsNumberOrAnOverlongReasonIsRefusedNamingTheField() {
        for (String bad : List.of("9434765918", "123", "99900000AB")) {
            HttpClientResponseException e = refused("/api/patients/" + bad + "/opt-out", Map.of(), northCcc);
            assertThat(e.getStatus().getCode()).as(bad).isEqualTo(400);
            Map<?, ?> problem = e.getResponse().getBody(Map.class).orElseThrow();
            assertThat(Json.objects(problem.get("errors"))).singleElement()
                    .satisfies(f -> assertThat(f).containsEntry("field", "nhsNumber"));
        }
        HttpClientResponseException e = refused("/api/patients/" + ada.nhsNumber() + "/opt-out",
                Map.of("reason", "x".repeat(501)), northCcc);
        assertThat(e.getStatus().getCode()).isEqualTo(400);
        assertThat(e.getResponse().getBody(String.class).orElse("")).contains("\"field\":\"reason\"")
                .doesNotContain("SQL").doesNotContain("Exception");
        assertThat(ledgerRows()).isZero();
    }

    @Test
    void anOptInWhileTheirMobileTextedStopSaysTheNumberStillStandsInTheWay() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", "SM" + "f".repeat(32));
        form.put("From", adaMobile);
        form.put("To", "+447700900999");
        form.put("Body", "STOP");
        client.toBlocking().exchange(HttpRequest.POST("/webhooks/twilio/inbound", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign("/webhooks/twilio/inbound", form)), String.class);

        Map<String, Object> in = post("/api/patients/" + ada.nhsNumber() + "/opt-in",
                Map.of("reason", "rang: wants the texts"), northCcc);

        assertThat(in).containsEntry("optedOut", true).containsEntry("patientObjects", false)
                .containsEntry("mobileOptedOut", true);
        assertThat((String) in.get("note")).contains("START");
    }

    @Test
    void theInboxsTakenByPhoneActionsAreForCccsOnlyToo() {
        assertThat(refused("/api/inbox/patients/" + adaId + "/opt-in", Map.of(), northLead).getStatus().getCode())
                .isEqualTo(403);
        assertThat(ledgerRows()).isZero();
        assertThat(post("/api/inbox/patients/" + adaId + "/opt-out", Map.of("note", "rang"), northCcc))
                .containsEntry("optedOut", true);
    }
}
