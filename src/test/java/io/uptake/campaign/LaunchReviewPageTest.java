package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launch journey in a real browser, on the real cohort (the spec name keeps the campaign package's test cohort
 * out): the form leads to a check-your-answers page and launches nothing; the CCC leaves a patient out of the named
 * list with a reason; the launch refuses figures that changed after the check; and a confirmation panel follows.
 */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "LaunchReviewPageTest")
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
class LaunchReviewPageTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    Rows rows;
    @Inject
    Clock clock;
    @Inject
    BankHolidays holidays;

    List<Rows.Patient> all;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        all = rows.patients("North PCN", "N00001", 6);
        for (Rows.Patient p : all) {
            eligibleForPsa(p.id());
        }
        new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        // The patient list was imported 20 days ago and no events ever: the check warns of both (H-007).
        rows.execute("""
                INSERT INTO import_run (kind, username, pcn_id, at, charset, bytes)
                SELECT 'patients', 'ccc.north', id, ?, 'UTF-8', 10 FROM pcn WHERE name = 'North PCN'""",
                java.sql.Timestamp.from(patientsImportedAt()));
    }

    private java.time.Instant patientsImportedAt() {
        return clock.instant().minus(java.time.Duration.ofDays(20));
    }

    private void eligibleForPsa(long patientId) {
        rows.execute("""
                UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01' WHERE id = ?""",
                patientId);
    }

    @Test
    void aCccChecksLeavesOnePatientOutAndLaunchesWithAConfirmation() {
        WebDriver driver = Browser.open();
        try {
            Browser.login(driver, server.getURL().toString(), "ccc.north", Api.USER_PASSWORD);
            driver.get(server.getURL() + "/ui/campaigns");
            Browser.settled(driver);
            new Select(driver.findElement(By.id("programme"))).selectByValue("psa-eligible");
            Browser.waitForText(driver, By.id("preview"), "Cost estimate for Prostate");
            Browser.settled(driver);
            driver.findElement(By.id("name")).sendKeys("PSA conversation (page)");
            LocalDate start = StartDays.workingMonday(clock, holidays, 14);
            // The NHS date input: three boxes, and the time as people write it.
            driver.findElement(By.id("startAt-day")).sendKeys(String.valueOf(start.getDayOfMonth()));
            driver.findElement(By.id("startAt-month")).sendKeys(String.valueOf(start.getMonthValue()));
            driver.findElement(By.id("startAt-year")).sendKeys(String.valueOf(start.getYear()));
            driver.findElement(By.id("startTime")).sendKeys("9am");
            driver.findElement(By.id("bookingUrl")).sendKeys("https://book.example.nhs.uk/psa");
            driver.findElement(By.id("controlFraction")).clear();
            driver.findElement(By.id("controlFraction")).sendKeys("0");

            Browser.clickAndWaitForSwap(driver, By.id("review-button"), By.id("review-heading"));
            assertThat(count("SELECT count(*) FROM campaign")).as("Continue launches nothing").isZero();
            assertThat(driver.findElement(By.id("review-recipients")).getText()).isEqualTo("6");
            assertThat(driver.findElement(By.id("review-waves")).getText())
                    .contains(StartDays.PAGE_DAY.format(start) + " at 9:00am")
                    .contains(StartDays.PAGE_DAY.format(start.plusDays(14)) + " at 9:00am");
            assertThat(driver.findElement(By.id("review-cost-total")).getText()).startsWith("All waves 12");
            assertThat(driver.findElement(By.id("language-en")).getText()).contains("English");
            assertThat(driver.findElement(By.id("review-booking-url")).getText()).startsWith("https://book.example.nhs.uk/psa");
            String importDay = java.time.format.DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.UK)
                    .format(patientsImportedAt().atZone(java.time.ZoneId.of("Europe/London")));
            assertThat(driver.findElement(By.id("stale-patients")).getText())
                    .isEqualTo("Your PCN's patient list was last imported on " + importDay + ", 20 days ago (data older than 14 days is stale).");
            assertThat(driver.findElement(By.id("stale-events")).getText())
                    .isEqualTo("Your PCN's list of events has never been imported.");

            // The named list: a reason typed against one patient leaves them out.
            Rows.Patient out = all.get(2);
            driver.findElement(By.cssSelector("#named-list > summary")).click();
            driver.findElement(By.id("reason-" + out.nhsNumber())).sendKeys("Moved to Spain, told us by phone");
            Browser.clickAndWaitForSwap(driver, By.id("update-review"), By.id("review-left-out"));
            assertThat(driver.findElement(By.id("review-recipients")).getText()).isEqualTo("5");
            assertThat(driver.findElement(By.id("exclusion-left-out-by-ccc")).getText()).endsWith("1");
            assertThat(driver.findElement(By.id("review-left-out")).getText()).contains("Moved to Spain, told us by phone");

            // New data after the check: the launch shows the check again instead of launching other figures.
            Rows.PatientRow extra = rows.patient("N00001").mobile(Rows.mobile(990));
            eligibleForPsa(extra.insert());
            Browser.clickAndWaitForSwap(driver, By.id("confirm-launch"), By.id("review-notice"));
            assertThat(driver.findElement(By.id("review-notice")).getText()).contains("The figures changed");
            assertThat(driver.findElement(By.id("review-recipients")).getText()).isEqualTo("6");
            assertThat(count("SELECT count(*) FROM campaign")).isZero();

            Browser.clickAndWaitForPage(driver, By.id("confirm-launch"));
            Browser.screenshot(driver, "campaign-launched");
            assertThat(driver.findElement(By.id("launched-panel")).getText())
                    .contains("Campaign launched").contains("6 patients will be texted").contains("1 patient was left out by name.");
            // People's words on the page: the reason the CCC gave, never the internal key.
            assertThat(driver.findElement(By.id("left-out")).getText())
                    .contains("Moved to Spain, told us by phone").doesNotContain("left-out-by-ccc");
        } catch (RuntimeException | AssertionError e) {
            Browser.screenshot(driver, "launch-review-failed");
            throw new AssertionError("Launch journey failed; page was: " + driver.getPageSource(), e);
        } finally {
            driver.quit();
        }
        assertThat(count("SELECT count(*) FROM recipient")).isEqualTo(6);
        assertThat(count("SELECT count(*) FROM message WHERE patient_id = ?", all.get(2).id())).isZero();
        assertThat(count("SELECT count(*) FROM campaign_left_out WHERE reason = 'Moved to Spain, told us by phone'")).isEqualTo(1);
        // What was typed on the form reached the campaign through the review (the review once dropped the link).
        assertThat(count("SELECT count(*) FROM campaign WHERE booking_url = 'https://book.example.nhs.uk/psa'")).isEqualTo(1);
    }

    private long count(String sql, Object... params) {
        return rows.queryLong(sql, params);
    }
}
