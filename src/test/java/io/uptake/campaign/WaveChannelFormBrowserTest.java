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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launch form's channel questions in a real browser (issue 14): reminders by letter and a call list after
 * them; a call list with no day is explained and the answers are kept; the review shows each wave's channel; the
 * launched campaign's waves are the ones chosen. Before, the form could only launch all-AUTO waves.
 */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "LaunchReviewPageTest")
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
class WaveChannelFormBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    Rows rows;
    WebDriver driver;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        for (Rows.Patient p : rows.patients("North PCN", "N00001", 3)) {
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01' WHERE id = ?""",
                    p.id());
        }
        new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        driver = Browser.open();
    }

    @AfterEach
    void tearDown() {
        driver.quit();
    }

    @Test
    void aCccSendsTheRemindersByLetterThenACallListAndTheCampaignHasThoseWaves() {
        try {
            Browser.login(driver, server.getURL().toString(), "ccc.north", Api.USER_PASSWORD);
            driver.get(server.getURL() + "/ui/campaigns");
            Browser.settled(driver);
            new Select(driver.findElement(By.id("programme"))).selectByValue("psa-eligible");
            Browser.waitForText(driver, By.id("preview"), "Cost estimate for Prostate");
            Browser.settled(driver);
            driver.findElement(By.id("name")).sendKeys("PSA by letter then calls");
            assertThat(driver.findElement(By.id("invitationBy")).isSelected()).as("AUTO by default").isTrue();
            driver.findElement(By.cssSelector("label[for=remindersBy-LETTER]")).click();
            driver.findElement(By.cssSelector("label[for=callList]")).click();

            // No day for the call list: explained, and every answer kept.
            Browser.clickAndWaitForSwap(driver, By.id("review-button"), By.id("launch-errors"));
            Browser.settled(driver);
            assertThat(driver.findElement(By.id("launch-errors")).getText())
                    .contains("Enter the days after the first text when the call list starts, more than the last reminder's 14");
            assertThat(driver.findElement(By.id("remindersBy-LETTER")).isSelected()).isTrue();
            assertThat(driver.findElement(By.id("callList")).isSelected()).isTrue();
            assertThat(driver.findElement(By.id("name")).getAttribute("value")).isEqualTo("PSA by letter then calls");

            driver.findElement(By.id("callAfterDays")).sendKeys("28");
            Browser.clickAndWaitForSwap(driver, By.id("review-button"), By.id("review-heading"));
            List<String> channels = driver.findElements(By.cssSelector("#review-waves td.wave-channel")).stream()
                    .map(e -> e.getText()).toList();
            assertThat(channels).containsExactly(WaveChannel.AUTO.label(), WaveChannel.LETTER.label(),
                    WaveChannel.CALL.label());
            assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();

            Browser.clickAndWaitForPage(driver, By.id("confirm-launch"));
            assertThat(driver.findElement(By.id("launched-panel")).getText()).contains("Campaign launched");
        } catch (RuntimeException | AssertionError e) {
            Browser.screenshot(driver, "wave-channel-form-failed");
            throw new AssertionError("Channel journey failed; page was: " + driver.getPageSource(), e);
        }
        long campaign = rows.queryLong("SELECT id FROM campaign WHERE name = 'PSA by letter then calls'");
        assertThat(rows.queryString("SELECT string_agg(channel, ',' ORDER BY wave) FROM campaign_wave WHERE campaign_id = ?",
                campaign)).isEqualTo("AUTO,LETTER,CALL");
        assertThat(rows.queryLong("""
                SELECT EXTRACT(DAY FROM (SELECT due_at FROM campaign_wave WHERE campaign_id = ? AND wave = 3)
                                      - (SELECT due_at FROM campaign_wave WHERE campaign_id = ? AND wave = 1))""",
                campaign, campaign)).as("the call list 28 days on (or the next sending day)").isBetween(28L, 31L);
    }
}
