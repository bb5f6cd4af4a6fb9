package io.uptake.reply;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Axe;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the accessibility browser tests share: a North PCN with a campaign, patients in English and Urdu, and three
 * replies to work in the inbox (a call request, a question, and one that reads as an opt-out); a headless Chromium;
 * and the check of one page at both widths (axe-core's WCAG 2.2 A and AA, sideways scrolling, and the screenshots
 * that document the service in docs/screens/). The axe checks are split by role into classes of their own, so the
 * suite's two test JVMs share them (issue 16: one class of 39 pages at two widths was the suite's longest tail).
 */
abstract class AccessibilityFixture {
    static final Dimension DESKTOP = new Dimension(1280, 1000);
    static final Dimension PHONE = new Dimension(390, 844);
    /** The pages whose screenshots document the service (docs/screens/), by role. */
    static final Set<String> SCREENS = Set.of("login", "ccc-gp-codes", "ccc-home", "ccc-cohorts", "ccc-campaigns", "ccc-campaign",
            "ccc-inbox", "ccc-phone", "ccc-patients", "ccc-imports", "ccc-templates", "lead-report", "lead-reports",
            "admin-users", "lead-audit", "ccc-inbox-patient", "ccc-inbox-search", "ccc-review", "lead-approvals",
            "lead-approve-urdu");

    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    java.time.Clock clock;

    WebDriver driver;
    ReplyFixtures db;
    ReplyFixtures.NorthAndSouth fixtures;
    final String northMobile = ReplyFixtures.mobile(311);
    final String urduMobile = ReplyFixtures.mobile(312);
    final String caraMobile = ReplyFixtures.mobile(314);
    long cara;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        fixtures = db.northAndSouth(northMobile, ReplyFixtures.mobile(313));
        long urdu = db.patient("P84001", urduMobile, "ur", "Bilal");
        db.sentMessage(fixtures.northCampaign(), urdu, urduMobile, "ur", clock.instant().minusSeconds(3600));
        cara = db.patient("P84001", caraMobile, "en", "Cara");
        db.sentMessage(fixtures.northCampaign(), cara, caraMobile, "en", clock.instant().minusSeconds(7200));
        db.queuedMessage(fixtures.northCampaign(), cara, caraMobile, clock.instant().plusSeconds(3 * 86400));
        Api api = new Api(client.toBlocking());
        api.user("ccc.north", "CCC", "North PCN");
        api.user("lead.north", "LEAD", "North PCN");
        // Replies, so the inbox has items to work: a call request and a free-text question, and one that reads as an
        // opt-out without being a keyword (the inbox offers its one-click confirm). Straight to the signed webhook:
        // through the simulated phone each one is a second HTTP hop, with its own 20 s limit, that a loaded machine
        // can miss.
        for (String[] r : new String[][]{{northMobile, "Please call me"}, {urduMobile, "What is this test for?"},
                {caraMobile, "No more messages please"}}) {
            db.deliver(ReplyFixtures.twilioForm(ReplyFixtures.newSid(), r[0], r[1]));
        }
        driver = Browser.open();
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    /** The page at both widths: axe, sideways scrolling, and (for the main pages) a screenshot. */
    void check(String url, String name, List<String> problems) {
        for (Dimension size : List.of(DESKTOP, PHONE)) {
            String width = size == PHONE ? "phone" : "desktop";
            driver.manage().window().setSize(size);
            driver.get(url);
            Browser.settled(driver);
            Axe.violations(driver).forEach(v -> problems.add(name + " @" + width + ": " + v));
            long overflow = Axe.sidewaysOverflow(driver);
            if (overflow > 0) {
                problems.add(name + " @" + width + ": scrolls sideways by " + overflow + " px");
            }
            if (SCREENS.contains(name)) {
                screenshot(name + "-" + width);
            }
        }
        driver.manage().window().setSize(DESKTOP);
    }

    /** The launch's check-your-answers page, reached as a CCC does: the launch form's Continue (an htmx swap). */
    void checkReview(String base, List<String> problems) {
        for (Dimension size : List.of(DESKTOP, PHONE)) {
            String width = size == PHONE ? "phone" : "desktop";
            driver.manage().window().setSize(size);
            driver.get(base + "/ui/campaigns");
            Browser.settled(driver);
            driver.findElement(By.id("name")).sendKeys("Axe review");
            Browser.clickAndWaitForSwap(driver, By.id("review-button"), By.id("review-heading"));
            Browser.settled(driver);
            Axe.violations(driver).forEach(v -> problems.add("ccc-review @" + width + ": " + v));
            long overflow = Axe.sidewaysOverflow(driver);
            if (overflow > 0) {
                problems.add("ccc-review @" + width + ": scrolls sideways by " + overflow + " px");
            }
            screenshot("ccc-review-" + width);
        }
        driver.manage().window().setSize(DESKTOP);
    }

    void screenshot(String name) {
        try {
            Path out = Path.of("docs", "screens", name + ".png");
            Files.createDirectories(out.getParent());
            Files.write(out, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
