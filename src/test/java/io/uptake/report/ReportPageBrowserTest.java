package io.uptake.report;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A lead opens the report in headless Chromium: the charts are drawn and the numbers are the API's. */
@MicronautTest(transactional = false)
class ReportPageBrowserTest {
    static final LocalDate FIRST_TEXT = LocalDate.of(2025, 4, 7);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    EmbeddedServer server;

    BlockingHttpClient http;
    Fixtures db;
    String lead;
    long campaign;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        db = new Fixtures(dataSource, clock);
        long pcn = db.pcn("North PCN");
        db.practice("N10001", "Northside Surgery", pcn);
        lead = new Api(http).user("lead.north", "LEAD", "North PCN");
        campaign = db.campaign(pcn, "FIT April", "fit-non-returners", FIRST_TEXT, 28);
        for (int i = 0; i < 40; i++) {
            Fixtures.Patient p = db.patient("N10001", LocalDate.of(1960, 1, 1).plusDays(i * 97L), i % 2 == 0 ? "F" : "M",
                    i % 4 == 0 ? "pl" : "en", i % 3 == 0 ? "ASIAN" : "WHITE", 1 + i % 10);
            if (i < 30) {
                db.texted(campaign, p, FIRST_TEXT, i % 10 == 0 ? "FAILED" : "DELIVERED", 1);
                if (i % 3 == 0) {
                    db.event(p, FIRST_TEXT.plusDays(i % 20), "FIT_RESULT", i % 9 == 0 ? "25" : "4");
                }
                if (i % 9 == 0) {
                    db.event(p, FIRST_TEXT.plusDays(i % 20 + 2), "URGENT_REFERRAL", "lower-gi");
                }
            } else {
                db.recipient(campaign, p, "CONTROL", FIRST_TEXT);
                if (i % 5 == 0) {
                    db.event(p, FIRST_TEXT.plusDays(10), "FIT_KIT_RETURNED", null);
                }
            }
        }
    }

    @Test
    void theReportPageDrawsItsChartsAndShowsTheApisNumbers() {
        Map<String, Object> api = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report").bearerAuth(lead), Json.OBJECT);
        WebDriver driver = Browser.open();
        try {
            String base = server.getURL().toString();
            Browser.login(driver, base, "lead.north", Api.USER_PASSWORD);
            driver.get(base + "/ui/campaigns/" + campaign + "/report");
            WebElement root = driver.findElement(By.id("report"));
            Browser.waiting(driver).until(d -> root.getAttribute("data-charts-ready") != null);
            Browser.screenshot(driver, "campaign-report");
            assertThat(root.getAttribute("data-charts-ready")).isEqualTo("true");
            JavascriptExecutor js = (JavascriptExecutor) driver;
            for (String canvas : List.of("funnel-chart", "timeline-chart")) {
                assertThat(js.executeScript("return Chart.getChart(document.getElementById(arguments[0])) !== undefined", canvas))
                        .as(canvas).isEqualTo(true);
            }
            assertThat(js.executeScript("return Chart.getChart('timeline-chart').data.datasets.length")).isEqualTo(2L);
            assertThat(js.executeScript("""
                    const chart = Chart.getChart('funnel-chart');
                    return chart.data.datasets[0].data[chart.data.labels.findIndex(l => l.startsWith('Converted'))]"""))
                    .isEqualTo(((Number) api.get("converted")).longValue());

            for (String field : List.of("recipients", "sent", "delivered", "failed", "converted", "abnormal",
                    "urgentReferrals", "cancersDiagnosed", "segments")) {
                assertThat(driver.findElement(By.id("fig-" + field)).getText()).as(field)
                        .isEqualTo(String.valueOf(api.get(field)));
            }
            assertThat(driver.findElement(By.id("fig-replied")).getText()).isEqualTo("0");
            double rate = ((Number) api.get("conversionRate")).doubleValue();
            assertThat(driver.findElement(By.xpath("//td[@id='fig-converted']/following-sibling::td")).getText())
                    .startsWith(String.format(Locale.UK, "%.1f%% of texted", rate * 100));
            Map<String, Object> control = Json.object(api.get("control"));
            assertThat(driver.findElement(By.id("ctl-patients")).getText()).isEqualTo(String.valueOf(control.get("patients")));
            assertThat(driver.findElement(By.id("ctl-converted")).getText()).isEqualTo(String.valueOf(control.get("converted")));
            assertThat(driver.findElement(By.id("ctl-clicked")).getText()).isEqualTo(String.valueOf(control.get("clicked")));
            // The lowest-uptake group is marked in words, not only by colour.
            assertThat(driver.findElements(By.cssSelector("tr.low")).stream().map(WebElement::getText))
                    .allMatch(t -> t.contains("lowest uptake"));

            driver.get(base + "/ui/reports");
            WebElement table = driver.findElement(By.id("uptake"));
            assertThat(table.getText()).contains("FIT April").contains("Bowel screening: FIT kit non-returners");
            driver.findElement(By.xpath("//button[text()='Converted']")).click();
            Browser.waiting(driver).until(ExpectedConditions.attributeToBe(By.xpath("//th[button[text()='Converted']]"),
                    "aria-sort", "ascending"));

            // The period is typed in NHS three-box dates: a missing year is explained, typed boxes kept, and all
            // campaigns still listed; a real period narrows the list and the downloads.
            driver.findElement(By.id("from-day")).sendKeys("1");
            driver.findElement(By.id("from-month")).sendKeys("1");
            Browser.clickAndWaitForPage(driver, By.id("show-reports"));
            assertThat(driver.findElement(By.id("report-errors")).getText()).contains("The start date must include a year");
            assertThat(driver.findElement(By.id("from-year")).getAttribute("class")).contains("nhsuk-input--error");
            assertThat(driver.findElement(By.id("from-day")).getAttribute("value")).isEqualTo("1");
            assertThat(driver.findElement(By.id("uptake")).getText()).contains("FIT April");
            driver.findElement(By.id("from-year")).sendKeys("2099");
            Browser.clickAndWaitForPage(driver, By.id("show-reports"));
            assertThat(driver.findElements(By.id("report-errors"))).isEmpty();
            assertThat(driver.findElements(By.id("uptake"))).isEmpty();
            assertThat(driver.findElement(By.id("csv")).getAttribute("href")).endsWith("/api/reports/uptake.csv?from=2099-01-01");
            assertThat(driver.findElement(By.id("from-year")).getAttribute("value")).isEqualTo("2099");
        } finally {
            driver.quit();
        }
    }
}
