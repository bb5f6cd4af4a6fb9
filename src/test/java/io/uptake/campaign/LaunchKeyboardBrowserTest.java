package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Keyboard;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launch through its review step by keyboard alone (WCAG 2.1.1), with focus checked after each action (2.4.3):
 * a form sent with a mistake puts focus on the error summary; the three date boxes are reached in turn; Continue
 * puts focus on the review's heading; "Launch campaign" leads to the campaign page with focus on its confirmation.
 */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "LaunchReviewPageTest")
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
class LaunchKeyboardBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;
    @Inject
    BankHolidays holidays;
    Rows rows;
    WebDriver driver;
    Keyboard keys;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        for (Rows.Patient p : rows.patients("North PCN", "N00001", 4)) {
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01' WHERE id = ?""",
                    p.id());
        }
        new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        driver = Browser.open();
        keys = new Keyboard(driver);
    }

    @AfterEach
    void tearDown() {
        driver.quit();
    }

    @Test
    void aCccLaunchesThroughTheReviewByKeyboardAlone() {
        String base = server.getURL().toString();
        try {
            Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
            driver.get(base + "/ui/campaigns");
            Browser.settled(driver);
            Browser.waitForText(driver, By.id("preview"), "Cost estimate");

            // Continue with no name: focus goes to the error summary, which says what to do in words.
            keys.tabTo("name");
            keys.press(Keys.ENTER);
            Browser.waiting(driver).until(d -> keys.focusIn(".nhsuk-error-summary"));
            assertThat(keys.focused().getText()).contains("Enter a name for the campaign");
            assertThat(driver.findElement(By.id("launch-errors")).getText()).doesNotContain("name is required");

            keys.tabTo("name");
            keys.focused().sendKeys("PSA by keyboard");
            keys.tabTo("programme");
            for (int i = 0; i < 10 && !"psa-eligible".equals(keys.focused().getAttribute("value")); i++) {
                keys.press(Keys.ARROW_DOWN);
            }
            assertThat(keys.focused().getAttribute("value")).isEqualTo("psa-eligible");
            Browser.waitForText(driver, By.id("preview"), "Prostate");
            Browser.settled(driver);

            // The start date's three boxes follow each other in tab order, then the time.
            LocalDate start = StartDays.workingMonday(clock, holidays, 14);
            keys.tabTo("startAt-day");
            keys.focused().sendKeys(String.valueOf(start.getDayOfMonth()));
            keys.press(Keys.TAB);
            assertThat(keys.focused().getAttribute("id")).isEqualTo("startAt-month");
            keys.focused().sendKeys(String.valueOf(start.getMonthValue()));
            keys.press(Keys.TAB);
            assertThat(keys.focused().getAttribute("id")).isEqualTo("startAt-year");
            keys.focused().sendKeys(String.valueOf(start.getYear()));
            keys.press(Keys.TAB);
            assertThat(keys.focused().getAttribute("id")).isEqualTo("startTime");
            keys.focused().sendKeys("9:30am");

            // Enter sends the form: the check-your-answers page, with focus on its heading. Nothing is launched yet.
            keys.press(Keys.ENTER);
            Browser.waiting(driver).until(d -> "review-heading".equals(keys.focused().getAttribute("id")));
            assertThat(driver.findElement(By.id("review-waves")).getText())
                    .contains(StartDays.PAGE_DAY.format(start) + " at 9:30am");
            assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();

            keys.tabTo("confirm-launch");
            String mark = keys.markPage();
            keys.press(Keys.ENTER);
            keys.waitForNewPage(mark);
            // The campaign page opens with focus on its confirmation panel.
            assertThat(keys.focused().getAttribute("id")).isEqualTo("launched-panel");
            assertThat(keys.focused().getText()).contains("Campaign launched");
        } catch (RuntimeException | AssertionError e) {
            Browser.screenshot(driver, "launch-keyboard-failed");
            throw new AssertionError("Keyboard launch failed; focus was on "
                    + keys.js("return document.activeElement.outerHTML.substring(0, 300)"), e);
        }
        assertThat(rows.queryLong("SELECT count(*) FROM campaign WHERE name = 'PSA by keyboard'")).isEqualTo(1);
    }
}
