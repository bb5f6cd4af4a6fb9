package io.uptake.report;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;

import static io.uptake.report.ReportApiTest.d;
import static org.assertj.core.api.Assertions.assertThat;

/** One price per segment (uptake.template.price-per-segment): the template catalogue and the report's cost use it. */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = "uptake.template.price-per-segment", value = "0.10")
class PricePerSegmentTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;

    @Test
    void theTemplatesAndTheReportPriceASegmentAlike() {
        Database.reset(dataSource);
        BlockingHttpClient http = client.toBlocking();
        Fixtures db = new Fixtures(dataSource, clock);
        long north = db.pcn("North PCN");
        db.practice("N10001", "Northside Surgery", north);
        String lead = new Api(http).user("lead.north", "LEAD", "North PCN");
        LocalDate firstText = LocalDate.now(clock).minusDays(7);
        long campaign = db.campaign(north, "FIT", "fit-non-returners", firstText, 28);
        db.texted(campaign, db.patient("N10001", firstText.minusYears(62), "M"), firstText, "DELIVERED", 2);
        db.texted(campaign, db.patient("N10001", firstText.minusYears(64), "F"), firstText, "DELIVERED", 1);

        Map<String, Object> catalogue = http.retrieve(HttpRequest.GET("/api/templates").bearerAuth(lead), Json.OBJECT);
        assertThat(d(catalogue, "pricePerSegment")).isEqualTo(0.10);
        Map<String, Object> report = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report")
                .bearerAuth(lead), Json.OBJECT);
        assertThat(d(report, "cost")).as("3 segments at the one price").isEqualTo(0.30);
    }
}
