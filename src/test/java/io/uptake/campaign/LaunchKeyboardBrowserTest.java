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
            tabTo("name");
            press(Keys.ENTER);
            Browser.waiting(driver).until(d -> focusIn(".nhsuk-error-summary"));
            assertThat(focused().getText()).contains("Enter a name for the campaign");
            assertThat(driver.findElement(By.id("launch-errors")).getText()).doesNotContain("name is required");

            tabTo("name");
            focused().sendKeys("PSA by keyboard");
            tabTo("programme");
            for (int i = 0; i < 10 && !"psa-eligible".equals(focused().getAttribute("value")); i++) {
                press(Keys.ARROW_DOWN);
            }
            assertThat(focused().getAttribute("value")).isEqualTo("psa-eligible");
            Browser.waitForText(driver, By.id("preview"), "Prostate");
            Browser.settled(driver);

            // The start date's three boxes follow each other in tab order, then the time.
            LocalDate start = StartDays.workingMonday(clock, holidays, 14);
            tabTo("startAt-day");
            focused().sendKeys(String.valueOf(start.getDayOfMonth()));
            press(Keys.TAB);
            assertThat(focused().getAttribute("id")).isEqualTo("startAt-month");
            focused().sendKeys(String.valueOf(start.getMonthValue()));
            press(Keys.TAB);
            assertThat(focused().getAttribute("id")).isEqualTo("startAt-year");
            focused().sendKeys(String.valueOf(start.getYear()));
            press(Keys.TAB);
            assertThat(focused().getAttribute("id")).isEqualTo("startTime");
            focused().sendKeys("9:30am");

            // Enter sends the form: the check-your-answers page, with focus on its heading. Nothing is launched yet.
            press(Keys.ENTER);
            Browser.waiting(driver).until(d -> "review-heading".equals(focused().getAttribute("id")));
            assertThat(driver.findElement(By.id("review-waves")).getText())
                    .contains(StartDays.PAGE_DAY.format(start) + " at 9:30am");
            assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();

            tabTo("confirm-launch");
            String mark = markPage();
            press(Keys.ENTER);
            waitForNewPage(mark);
            // The campaign page opens with focus on its confirmation panel.
            assertThat(focused().getAttribute("id")).isEqualTo("launched-panel");
            assertThat(focused().getText()).contains("Campaign launched");
        } catch (RuntimeException | AssertionError e) {
            Browser.screenshot(driver, "launch-keyboard-failed");
            throw new AssertionError("Keyboard launch failed; focus was on "
                    + js("return document.activeElement.outerHTML.substring(0, 300)"), e);
        }
        assertThat(rows.queryLong("SELECT count(*) FROM campaign WHERE name = 'PSA by keyboard'")).isEqualTo(1);
    }

    private boolean focusIn(String selector) {
        return Boolean.TRUE.equals(js("return document.activeElement.closest(arguments[0]) !== null", selector));
    }

    private void tabTo(String id) {
        for (int i = 0; i < 200; i++) {
            if (id.equals(focused().getAttribute("id"))) {
                return;
            }
            press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached #" + id);
    }

    private void press(CharSequence key) {
        new Actions(driver).sendKeys(key).perform();
    }

    private WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private String markPage() {
        String mark = UUID.randomUUID().toString();
        js("window.uptakeTestPage = arguments[0]", mark);
        return mark;
    }

    private void waitForNewPage(String mark) {
        Browser.waiting(driver).until(d -> {
            try {
                return !mark.equals(((JavascriptExecutor) d).executeScript("return window.uptakeTestPage || null"));
            } catch (org.openqa.selenium.WebDriverException e) {
                return false;
            }
        });
        Browser.settled(driver);
    }
}
