package io.uptake.template;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13: a draft translation is never sent. Until a LEAD of the PCN (or an ADMIN, for every PCN) approves its
 * current version, a patient of that language is texted in English, and the approvals say so.
 */
@MicronautTest(transactional = false)
class TemplateApprovalTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TemplateApprovals approvals;

    Api api;
    String ccc;
    String lead;
    String otherLead;
    long north;
    long south;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        api = new Api(client.toBlocking());
        Rows rows = new Rows(dataSource);
        north = rows.pcnNamed("North PCN");
        south = rows.pcnNamed("South PCN");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        lead = api.user("lead.north", "LEAD", "North PCN");
        otherLead = api.user("lead.south", "LEAD", "South PCN");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, Object> state(String token, String programme, String language) {
        List<Map> all = client.toBlocking().retrieve(
                HttpRequest.GET("/api/templates/approvals").bearerAuth(token), io.micronaut.core.type.Argument.listOf(Map.class));
        Map<String, Object> set = all.stream().filter(p -> p.get("programme").equals(programme)).findFirst().orElseThrow();
        return ((List<Map<String, Object>>) set.get("languages")).stream()
                .filter(l -> l.get("language").equals(language)).findFirst().orElseThrow();
    }

    @Test
    void everyTranslationStartsAsADraftAndEnglishIsTheSource() {
        assertThat(state(ccc, "psa-eligible", "en").get("state")).isEqualTo("source");
        for (String lang : List.of("ur", "pl", "ro", "pa", "bn", "ar", "gu")) {
            assertThat(state(ccc, "psa-eligible", lang).get("state")).as(lang).isEqualTo("draft");
        }
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en");
    }

    @Test
    void aLeadApprovesForTheirPcnOnlyAndItIsAudited() {
        Map<?, ?> approved = client.toBlocking().retrieve(
                HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(lead), Map.class);
        assertThat(approved.get("state")).isEqualTo("approved");
        assertThat(approved.get("approvedBy")).isEqualTo("lead.north");
        assertThat(approved.get("version")).isEqualTo(state(ccc, "psa-eligible", "ur").get("version"));
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en", "ur");
        assertThat(approvals.sendableLanguages("psa-eligible", south)).containsExactly("en");
        assertThat(approvals.sendableLanguages("fit-non-returners", north)).containsExactly("en");
        assertThat(state(otherLead, "psa-eligible", "ur").get("state")).isEqualTo("draft");
        assertThat(new Rows(dataSource).queryLong(
                "SELECT count(*) FROM audit_log WHERE action = 'TEMPLATE_APPROVED' AND username = 'lead.north'")).isEqualTo(1);
    }

    @Test
    void anAdminApprovesTheShippedSetForEveryPcn() {
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ar/approve", "")
                .bearerAuth(api.adminToken()), Map.class);
        assertThat(approvals.sendableLanguages("psa-eligible", north)).contains("ar");
        assertThat(approvals.sendableLanguages("psa-eligible", south)).contains("ar");
        assertThat(state(otherLead, "psa-eligible", "ar").get("forEveryPcn")).isEqualTo(true);
    }

    @Test
    void aCccCannotApproveAndEnglishOrAnUnknownLanguageIsRefusedInPlainWords() {
        assertThatThrownBy(() -> client.toBlocking().exchange(
                HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
        assertThatThrownBy(() -> client.toBlocking().exchange(
                HttpRequest.POST("/api/templates/psa-eligible/en/approve", "").bearerAuth(lead), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(409);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("English is the source");
                });
        assertThatThrownBy(() -> client.toBlocking().exchange(
                HttpRequest.POST("/api/templates/psa-eligible/xx/approve", "").bearerAuth(lead), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUrduPatientIsTextedInEnglishUntilUrduIsApproved() {
        Rows rows = new Rows(dataSource);
        rows.practice("N00001", "Limehurst Village Surgery", north);
        long patient = rows.patient("N00001").mobile(Rows.mobile(700)).insert();
        rows.execute("""
                UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01', language = 'ur'
                WHERE id = ?""", patient);
        Map<String, Object> before = client.toBlocking().retrieve(
                HttpRequest.GET("/api/cohorts/psa-eligible/patients").bearerAuth(ccc), Map.class);
        assertThat(((List<Map<String, Object>>) before.get("patients")).get(0).get("messageLanguage")).isEqualTo("en");

        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(lead), Map.class);
        Map<String, Object> after = client.toBlocking().retrieve(
                HttpRequest.GET("/api/cohorts/psa-eligible/patients").bearerAuth(ccc), Map.class);
        assertThat(((List<Map<String, Object>>) after.get("patients")).get(0).get("messageLanguage")).isEqualTo("ur");
    }
}
