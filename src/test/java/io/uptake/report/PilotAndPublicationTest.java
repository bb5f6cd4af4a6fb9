package io.uptake.report;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.uptake.report.ReportApiTest.d;
import static io.uptake.report.ReportApiTest.n;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Greater Manchester pilot's own table, reproduced from data: Oldham texted 536 men; 37 (6.9%) had a PSA
 * test after the text; 4 (10.8% of those tested) had an abnormal result and an urgent referral.
 */
@MicronautTest(transactional = false)
class PilotAndPublicationTest {
    static final LocalDate FIRST_TEXT = LocalDate.of(2025, 2, 3);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;

    BlockingHttpClient http;
    Fixtures db;
    String lead;
    long campaign;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        db = new Fixtures(dataSource, clock);
        long pcn = db.pcn("Oldham PCN");
        db.practice("P85001", "Oldham Surgery", pcn);
        lead = new Api(http).user("lead.oldham", "LEAD", "Oldham PCN");
        campaign = db.campaign(pcn, "PSA higher-risk men", "psa-eligible", FIRST_TEXT, 90);
        // 400 English speakers of whom 34 tested; 136 Urdu speakers of whom 3 tested.
        for (int i = 0; i < 536; i++) {
            boolean urdu = i >= 400;
            Fixtures.Patient man = db.patient("P85001", LocalDate.of(1968, 1, 1).plusDays(i), "M",
                    urdu ? "ur" : "en", urdu ? "ASIAN" : "BLACK", 1 + i % 10);
            db.texted(campaign, man, FIRST_TEXT, "DELIVERED", urdu ? 3 : 1);
            boolean tested = urdu ? i < 403 : i < 34;
            if (!tested) {
                continue;
            }
            LocalDate test = FIRST_TEXT.plusDays(7 + i % 30);
            boolean abnormal = i < 4;
            db.event(man, test, "PSA_TEST", abnormal ? "7.9" : "1.2");
            if (abnormal) {
                db.event(man, test.plusDays(2), "URGENT_REFERRAL", "urology");
            }
        }
    }

    @Test
    void thePilotTableComesStraightOutOfTheReport() {
        Map<String, Object> report = http.retrieve(
                HttpRequest.GET("/api/campaigns/" + campaign + "/report").bearerAuth(lead), Json.OBJECT);
        assertThat(n(report, "sent")).isEqualTo(536);
        assertThat(n(report, "converted")).isEqualTo(37);
        assertThat(d(report, "conversionRate")).isCloseTo(0.069, within(0.0005));
        assertThat(n(report, "abnormalWithUrgentReferral")).isEqualTo(4);
        assertThat((double) n(report, "abnormalWithUrgentReferral") / n(report, "converted")).isCloseTo(0.108, within(0.0005));
        assertThat(ReportApiTest.list(report, "conversionRateCi95").get(0)).isCloseTo(0.0505, within(0.00005));
        assertThat(ReportApiTest.list(report, "conversionRateCi95").get(1)).isCloseTo(0.0937, within(0.00005));
        assertThat(n(report, "segments")).isEqualTo(400 + 136 * 3);

        List<Map<String, Object>> language = Json.objects(Json.object(report.get("breakdowns")).get("language"));
        Map<String, Object> urdu = language.stream().filter(g -> "ur".equals(g.get("value"))).findFirst().orElseThrow();
        Map<String, Object> english = language.stream().filter(g -> "en".equals(g.get("value"))).findFirst().orElseThrow();
        assertThat(urdu).containsEntry("recipients", 136).containsEntry("converted", 3)
                .containsEntry("lowest", true).containsEntry("belowOverall", true);
        assertThat(english).containsEntry("recipients", 400).containsEntry("converted", 34).containsEntry("lowest", false);
    }

    @Test
    void publicationModeWithholdsSmallCountsAndRoundsTheRestIncludingTotals() {
        Map<String, Object> report = http.retrieve(
                HttpRequest.GET("/api/campaigns/" + campaign + "/report?publication=true").bearerAuth(lead), Json.OBJECT);
        assertThat(report.get("publication")).isEqualTo(Map.of("suppressedFrom", 1, "suppressedTo", 7, "roundedTo", 5));
        assertThat(n(report, "recipients")).isEqualTo(535);   // 536 rounded, not the exact total
        assertThat(n(report, "converted")).isEqualTo(35);     // 37 rounded
        assertThat(d(report, "conversionRate")).isEqualTo(35.0 / 535);  // from the published counts only
        assertThat(report.get("abnormal")).isNull();           // 4: withheld
        assertThat(report.get("urgentReferrals")).isNull();
        assertThat(n(report, "cancersDiagnosed")).isZero();    // zero is not disclosive
        List<Map<String, Object>> language = Json.objects(Json.object(report.get("breakdowns")).get("language"));
        Map<String, Object> urdu = language.stream().filter(g -> "ur".equals(g.get("value"))).findFirst().orElseThrow();
        assertThat(urdu.get("recipients")).isEqualTo(135);
        assertThat(urdu.get("converted")).isNull();
        assertThat(urdu.get("rate")).isNull();
        assertThat(urdu.get("ci95")).isNull();
        // No exact figure can be recovered: the total minus the shown English cell is not the withheld 3.
        Map<String, Object> english = language.stream().filter(g -> "en".equals(g.get("value"))).findFirst().orElseThrow();
        assertThat(english.get("converted")).isEqualTo(35);
        assertThat(n(report, "converted") - ((Number) english.get("converted")).longValue()).isNotEqualTo(3);

        String csv = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report.csv?publication=true")
                .bearerAuth(lead));
        // People's column names; rates as percentages to one decimal place.
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("Breakdown,Group,Patients,Sent,Delivered,Opened booking link,Failed,"
                + "Opted out,Replied,Call requests,Converted,Conversion rate %,95% CI low %,95% CI high %,Abnormal results,");
        String total = csv.lines().filter(l -> l.startsWith("Total,Texted,")).findFirst().orElseThrow();
        // 35 of 535 published: 6.5%, from the published counts.
        assertThat(total).startsWith("Total,Texted,535,535,535,0,0,0,0,0,35,6.5,");
        assertThat(total.split(",", -1)[14]).isEqualTo("*");  // abnormal withheld
        // One rule for every cell: a withheld count is "*", and so is every rate and interval computed from it.
        assertThat(csv.lines().filter(l -> l.startsWith("Language,Urdu,")).findFirst().orElseThrow())
                .startsWith("Language,Urdu,135,,,0,,,,,*,*,*,*");
        String internal = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report.csv").bearerAuth(lead));
        assertThat(internal.lines().filter(l -> l.startsWith("Total,Texted,")).findFirst().orElseThrow())
                .startsWith("Total,Texted,536,536,536,0,0,0,0,0,37,6.9,");
        assertThat(internal.lines().filter(l -> l.startsWith("Language,Urdu,")).findFirst().orElseThrow())
                .startsWith("Language,Urdu,136,,,0,,,,,3,2.2,");
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'REPORT_EXPORTED'")).isEqualTo(2);

        Map<String, Object> overview = http.retrieve(HttpRequest.GET("/api/reports/uptake?publication=true").bearerAuth(lead), Json.OBJECT);
        Map<String, Object> row = Json.objects(overview.get("campaigns")).get(0);
        assertThat(row).containsEntry("texted", 535).containsEntry("converted", 35).containsEntry("urgentReferrals", null);
    }
}
