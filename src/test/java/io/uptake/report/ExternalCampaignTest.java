package io.uptake.report;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.uptake.report.ReportApiTest.n;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
class ExternalCampaignTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;

    BlockingHttpClient http;
    Fixtures db;
    Api api;
    String ccc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        db = new Fixtures(dataSource, clock);
        api = new Api(http);
        long north = db.pcn("North PCN");
        db.practice("N10001", "Northside Surgery", north);
        long south = db.pcn("South PCN");
        db.practice("S20001", "Southside", south);
        ccc = api.user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void aSendLogBecomesACompletedExternalCampaignWithPerLineErrorsAndItsReport() {
        Fixtures.Patient first = db.patient("N10001", LocalDate.of(1960, 1, 1), "F");
        Fixtures.Patient second = db.patient("N10001", LocalDate.of(1961, 1, 1), "F");
        Fixtures.Patient elsewhere = db.patient("S20001", LocalDate.of(1962, 1, 1), "F");
        String unknown = NhsNumbers.next();
        db.event(first, LocalDate.of(2025, 5, 12), "FIT_KIT_RETURNED", null);   // 2 days after its first text
        db.event(second, LocalDate.of(2025, 5, 9), "FIT_RESULT", "15");         // a day before: not attributed
        String csv = "\uFEFFNHS Number,Sent At\r\n"
                + first.nhsNumber() + ",2025-05-14\r\n"                  // a reminder: the first text wins
                + first.nhsNumber() + ",2025-05-10T08:30:00Z\r\n"
                + second.nhsNumber().substring(0, 3) + " " + second.nhsNumber().substring(3) + ",10/05/2025\r\n"
                + "9434765918,2025-05-10\r\n"
                + unknown + ",2025-05-10\r\n"
                + elsewhere.nhsNumber() + ",2025-05-10\r\n"
                + second.nhsNumber() + ",yesterday\r\n"
                + second.nhsNumber() + "," + java.time.LocalDate.now(clock).plusDays(1) + "\r\n"; // tomorrow
        HttpResponse<Map<String, Object>> response = http.exchange(Api.csv(HttpRequest.POST(
                "/api/campaigns/external?name=Practice%20texts%20May&programme=fit-non-returners", csv)).bearerAuth(ccc), Json.OBJECT);
        assertThat(response.getStatus().getCode()).isEqualTo(201);
        Map<String, Object> body = response.body();
        assertThat(n(body, "recipients")).isEqualTo(2);
        assertThat(n(body, "rejected")).isEqualTo(5);
        assertThat(n(body, "attributionDays")).isEqualTo(28);
        List<Map<String, Object>> errors = Json.objects(body.get("errors"));
        assertThat(errors).extracting(e -> e.get("line") + " " + e.get("field") + " " + e.get("message")).containsExactly(
                "5 nhs_number not a valid NHS number",
                "6 nhs_number no patient with this NHS number in your PCN",
                "7 nhs_number no patient with this NHS number in your PCN",
                "8 sent_at expected a date (YYYY-MM-DD or DD/MM/YYYY) or an ISO instant",
                "9 sent_at in the future");
        // The campaign's id under the name POST /api/campaigns uses, and under the old name for one release.
        long id = n(body, "id");
        assertThat(n(body, "campaignId")).isEqualTo(id);
        assertThat(db.count("SELECT count(*) FROM campaign WHERE id = ? AND source = 'EXTERNAL' AND status = 'COMPLETED'", id))
                .isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM recipient WHERE campaign_id = ? AND patient_id = ? AND index_date = DATE '2025-05-10'",
                id, first.id())).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'EXTERNAL_CAMPAIGN_IMPORTED'")).isEqualTo(1);

        Map<String, Object> report = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report").bearerAuth(ccc), Json.OBJECT);
        assertThat(report).containsEntry("source", "EXTERNAL").containsEntry("delivered", null).containsEntry("segments", null);
        assertThat(n(report, "recipients")).isEqualTo(2);
        assertThat(n(report, "sent")).isEqualTo(2);
        assertThat(n(report, "converted")).isEqualTo(1);
    }

    @Test
    void aLogWithNoUsableLineCreatesNothingAndAnUnknownProgrammeIsExplained() {
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST(
                "/api/campaigns/external?name=X&programme=fit-non-returners", "nhs_number,sent_at\n1234567890,2025-01-01\n"))
                .bearerAuth(ccc), Map.class)).isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(400);
            assertThat(e.getResponse().getBody(String.class).orElse("")).contains("not a valid NHS number");
        });
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST(
                "/api/campaigns/external?name=X&programme=flu", "nhs_number,sent_at\n")).bearerAuth(ccc), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(
                        e.getResponse().getBody(String.class).orElse(""))
                        .contains("fit-non-returners, breast-non-attenders, psa-eligible"));
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST(
                "/api/campaigns/external?name=X&programme=psa-eligible", "patient,date\n")).bearerAuth(ccc), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(
                        e.getResponse().getBody(String.class).orElse("")).contains("nhs_number,sent_at"));
        assertThat(db.count("SELECT count(*) FROM campaign")).isZero();
    }
}
