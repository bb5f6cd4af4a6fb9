package io.uptake.security;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one PCN's staff must not learn about another PCN's patients, even indirectly, and the other side of the
 * same rule: when an ADMIN (who sees every PCN) looks at a PCN's patients, that PCN's lead sees it in the audit.
 */
@MicronautTest(transactional = false)
class CrossPcnOraclesTest {
    private static final String SHARED_MOBILE = Rows.mobile(555);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    java.time.Clock clock;

    BlockingHttpClient http;
    Rows rows;
    Api api;
    long north;
    long south;
    long ada;
    String adaNhs;
    long northCampaign;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        api = new Api(http);
        north = rows.pcn("North PCN");
        south = rows.pcn("South PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        rows.practice("P84002", "Elm Surgery", south, Rows.PRACTICE_PHONE);
        Rows.PatientRow adaRow = rows.patient("P84001").named("Ada", "North").mobile(SHARED_MOBILE);
        ada = adaRow.insert();
        adaNhs = adaRow.nhsNumber();
        CampaignRows campaigns = new CampaignRows(dataSource, clock);
        LocalDate threeDaysAgo = campaigns.today().minusDays(3);
        Instant sent = campaigns.now().minus(java.time.Duration.ofDays(3));
        northCampaign = campaigns.campaign(north).name("North FIT").startAt(sent).asOf(threeDaysAgo)
                .createdBy("ccc.north").insert();
        long recipient = campaigns.recipient(northCampaign, ada).language("en").mobile(SHARED_MOBILE)
                .indexDate(threeDaysAgo).insert();
        campaigns.message(northCampaign, recipient, ada).to(SHARED_MOBILE).language("en")
                .body("Your bowel screening kit: please return it.").segments(1).status("DELIVERED").sentAt(sent)
                .insert();
    }

    @Test
    void aPatientOfAnotherPcnIsRefusedInTheWordsOfAnUnknownPracticeCode() {
        Rows.PatientRow sam = rows.patient("P84002").named("Sam", "South");
        sam.insert();
        String southNhs = sam.nhsNumber();
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        Map<String, Object> result = http.retrieve(Api.csv(HttpRequest.POST("/api/imports/patients", """
                        nhs_number,given_name,family_name,date_of_birth,sex,practice_code
                        %s,Sam,Taken,1960-01-01,M,P84001
                        %s,Una,Known,1960-01-01,F,Z99999
                        """.formatted(southNhs, io.uptake.testsupport.NhsNumbers.next())))
                .bearerAuth(ccc), Argument.mapOf(String.class, Object.class));
        Map<Long, String> errors = errors(result);
        assertThat(errors).hasSize(2);
        // The same words as the practice nobody has heard of: nothing says Sam is registered in another PCN.
        assertThat(errors.get(2L)).isEqualTo("practice_code: unknown practice code 'P84001': import the practice first");
        assertThat(errors.get(3L)).isEqualTo("practice_code: unknown practice code 'Z99999': import the practice first");
        assertThat(rows.queryLong("SELECT count(*) FROM patient WHERE family_name = 'Taken'")).isZero();
    }

    @Test
    void theSharedMobileCountCountsOnlyTheCallersPcnsPatients() {
        rows.patient("P84001").named("Ben", "North").mobile(SHARED_MOBILE).insert();
        rows.patient("P84002").named("Cy", "South").mobile(SHARED_MOBILE).insert();
        rows.patient("P84002").named("Di", "South").mobile(SHARED_MOBILE).insert();
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        reply("Can someone call me please");

        List<Map<String, Object>> inbox = http.retrieve(HttpRequest.GET("/api/inbox").bearerAuth(ccc),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(inbox).hasSize(1);
        // Ada and Ben of North share the number; Cy and Di of South are not North's to count.
        assertThat(((Number) inbox.get(0).get("candidatePatients")).intValue()).isEqualTo(2);
        String page = http.retrieve(HttpRequest.GET("/ui/inbox").bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE));
        assertThat(page).contains("Shared mobile: 2 patients").doesNotContain("Shared mobile: 4 patients");
    }

    /** Replies stored before the fix are recounted by V110 in the same way. */
    @Test
    void theMigrationRecountsStoredRepliesWithinTheirPcn() throws Exception {
        rows.patient("P84001").named("Ben", "North").mobile(SHARED_MOBILE).insert();
        rows.patient("P84002").named("Cy", "South").mobile(SHARED_MOBILE).insert();
        rows.execute("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id,
                    campaign_id, pcn_id, candidate_patients, language, classification, inbox_status)
                VALUES ('SMold', ?, '+447700900999', 'Call me', ?, ?, ?, ?, 3, 'en', 'CALL_REQUEST', 'OPEN')""",
                SHARED_MOBILE, java.sql.Timestamp.from(clock.instant()), ada, northCampaign, north);
        String migration = Files.readString(Path.of(
                "src/main/resources/db/migration/V110__inbound_candidates_within_pcn.sql"), StandardCharsets.UTF_8);
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute(migration);
        }
        assertThat(rows.queryLong("SELECT candidate_patients FROM inbound_message WHERE message_sid = 'SMold'"))
                .isEqualTo(2);
    }

    @Test
    void anAdminsLookAtAPcnsPatientsIsInThatPcnsAuditForItsLead() {
        LocalDate today = LocalDate.now(clock);
        rows.execute("INSERT INTO event (patient_id, event_date, event_type, value, imported_at) VALUES (?, ?, 'FIT_KIT_ISSUED', '', ?)",
                ada, java.sql.Date.valueOf(today.minusDays(30)), java.sql.Timestamp.from(clock.instant()));
        long sam = rows.patient("P84002").named("Sam", "South").insert();
        rows.execute("INSERT INTO event (patient_id, event_date, event_type, value, imported_at) VALUES (?, ?, 'FIT_KIT_ISSUED', '', ?)",
                sam, java.sql.Date.valueOf(today.minusDays(30)), java.sql.Timestamp.from(clock.instant()));
        String northLead = api.user("lead.north", "LEAD", "North PCN");
        String southLead = api.user("lead.south", "LEAD", "South PCN");
        reply("Please ring me");
        String admin = api.adminToken();

        for (String path : List.of("/api/patients", "/api/patients/" + adaNhs,
                "/api/cohorts/fit-non-returners/patients?asOf=" + today,
                "/api/cohorts/fit-non-returners/patients.csv?asOf=" + today,
                "/api/campaigns/" + northCampaign + "/messages", "/api/campaigns/" + northCampaign + "/recipients.csv",
                "/api/inbox", "/api/templates/fit-non-returners/initial/preview?patient=" + adaNhs)) {
            assertThat(http.exchange(HttpRequest.GET(path).bearerAuth(admin), String.class).code()).as(path).isEqualTo(200);
        }

        assertThat(adminActions(northLead)).containsExactlyInAnyOrder("VIEW_PATIENT_LIST", "VIEW_PATIENT",
                "COHORT_PATIENTS_VIEWED", "COHORT_EXPORTED", "VIEW_CAMPAIGN_MESSAGES", "RECIPIENTS_EXPORTED",
                "VIEW_INBOX", "TEMPLATE_PREVIEWED");
        // The list and the cohort showed South's Sam too: South's lead sees those, and nothing of North's Ada.
        assertThat(adminActions(southLead)).containsExactlyInAnyOrder("VIEW_PATIENT_LIST", "COHORT_PATIENTS_VIEWED",
                "COHORT_EXPORTED");
    }

    private Set<String> adminActions(String lead) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries = (List<Map<String, Object>>) http.retrieve(
                HttpRequest.GET("/api/audit?size=200").bearerAuth(lead), Argument.mapOf(String.class, Object.class))
                .get("entries");
        return entries.stream().filter(e -> "admin".equals(e.get("username"))).map(e -> (String) e.get("action"))
                .filter(a -> !a.equals("USER_CREATED")).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, String> errors(Map<String, Object> result) {
        Map<Long, String> errors = new LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) result.get("errors")) {
            errors.put(((Number) e.get("line")).longValue(), e.get("field") + ": " + e.get("message"));
        }
        return errors;
    }

    /** A text from the shared mobile through Twilio's signed webhook, as a patient would send it. */
    private void reply(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", "SM" + System.nanoTime());
        form.put("AccountSid", "ACtest");
        form.put("From", SHARED_MOBILE);
        form.put("To", "+447700900999");
        form.put("Body", body);
        form.put("NumSegments", "1");
        form.put("SmsStatus", "received");
        String path = "/webhooks/twilio/inbound";
        assertThat(http.exchange(HttpRequest.POST(path, form).contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign(path, form)), String.class).code()).isEqualTo(200);
    }
}
