package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.WebDriver;

import javax.sql.DataSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A CCC launches a campaign from the page in a real browser, sees it, and pauses it (htmx with CSRF). */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "CampaignPagesTest")
@Property(name = "micronaut.server.port", value = "-1")
class CampaignPagesTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    BankHolidays holidays;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        SentLog.reset();
    }

    @Test
    void aCccLaunchesAndPausesACampaignFromThePage() {
        new Rows(dataSource).patients("North PCN", "N00001", 20);
        Api api = new Api(client.toBlocking());
        api.user("ccc.north", "CCC", "North PCN");
        WebDriver driver = Browser.open();
        try {
            Browser.login(driver, server.getURL().toString(), "ccc.north", Api.USER_PASSWORD);
            driver.get(server.getURL() + "/ui/campaigns");
            // The preview loads by itself (hx-trigger="load"): let it land first, or its answer could arrive after the
            // one for the programme chosen below and replace it.
            Browser.settled(driver);
            // Before launch the form shows what it would cost and say, fetched by htmx for the chosen programme.
            if (driver.findElements(By.id("programme")).isEmpty()) {
                throw new AssertionError("No launch form; page was: " + driver.getPageSource());
            }
            new Select(driver.findElement(By.id("programme"))).selectByValue("fit-non-returners");
            Browser.waitForText(driver, By.id("preview"), "Cost estimate for Bowel screening: FIT kit non-returners");
            Browser.settled(driver);
            assertThat(driver.findElement(By.id("estimate-total")).getText()).startsWith("Total");
            assertThat(driver.findElement(By.id("template-preview")).getText()).contains("en");
            driver.findElement(By.id("name")).sendKeys("FIT kit reminders (page)");
            // A future start, so the campaign is certainly still pausable when the button is pressed.
            java.time.LocalDate start = StartDays.workingMonday(clock, holidays, 14);
            driver.findElement(By.id("startAt-day")).sendKeys(String.valueOf(start.getDayOfMonth()));
            driver.findElement(By.id("startAt-month")).sendKeys(String.valueOf(start.getMonthValue()));
            driver.findElement(By.id("startAt-year")).sendKeys(String.valueOf(start.getYear()));
            driver.findElement(By.id("startTime")).sendKeys("09:00");
            driver.findElement(By.id("controlFraction")).clear();
            driver.findElement(By.id("controlFraction")).sendKeys("0.25");
            try {
                // Continue shows the check-your-answers page; its Launch answers HX-Redirect to the campaign's page.
                Browser.clickAndWaitForSwap(driver, By.id("review-button"), By.id("review-heading"));
                Browser.clickAndWaitForPage(driver, By.id("confirm-launch"));
            } catch (RuntimeException e) {
                Browser.screenshot(driver, "campaign-launch-failed");
                throw new AssertionError("No campaign page after launch; page was: " + driver.getPageSource(), e);
            }
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("FIT kit reminders (page)");
            assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("Scheduled");
            assertThat(driver.findElement(By.id("messages")).getText()).contains("Pending");
            assertThat(driver.findElement(By.id("report-link")).getAttribute("href")).endsWith("/report");
            try {
                // Pause swaps #controls, #status with it: the status read is the new one.
                assertThat(Browser.clickAndWaitForSwap(driver, By.id("pause"), By.id("status")).getText()).isEqualTo("Paused");
            } catch (RuntimeException e) {
                Browser.screenshot(driver, "campaign-pause-failed");
                throw new AssertionError("Not paused; page was: " + driver.getPageSource(), e);
            }
            Browser.screenshot(driver, "campaign-paused");
        } finally {
            driver.quit();
        }
        String token = api.login("ccc.north", Api.USER_PASSWORD);
        Map<?, ?> campaign = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns").bearerAuth(token),
                io.micronaut.core.type.Argument.listOf(Map.class)).get(0);
        assertThat(campaign.get("status")).isEqualTo("PAUSED");
        assertThat(((Map<?, ?>) campaign.get("counts")).get("control")).isEqualTo(5);
        long id = ((Number) campaign.get("id")).longValue();
        new Rows(dataSource).patients("South PCN", "S00001", 1);
        String south = api.user("ccc.south", "CCC", "South PCN");
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/ui/campaigns/" + id).bearerAuth(south)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
    }
}
