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
 * Every page, for each role, at a desktop width and at 390 px (a phone): axe-core finds no WCAG 2.2 A or AA
 * violation, and nothing scrolls sideways. The main pages' screenshots go to docs/screens/. Then the login and
 * working an inbox item by keyboard alone, with focus checked after each step.
 */
@MicronautTest(transactional = false)
// The replies in setUp go through the webhook on a loaded machine: more than the client's default 10 s at times.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "60s")
class AccessibilityBrowserTest {
    static final Dimension DESKTOP = new Dimension(1280, 1000);
    static final Dimension PHONE = new Dimension(390, 844);
    /** The pages whose screenshots document the service (docs/screens/), by role. */
    static final Set<String> SCREENS = Set.of("login", "ccc-gp-codes", "ccc-home", "ccc-cohorts", "ccc-campaigns", "ccc-campaign",
            "ccc-inbox", "ccc-phone", "ccc-patients", "ccc-imports", "ccc-templates", "lead-report", "lead-reports",
            "admin-users", "lead-audit", "ccc-inbox-patient", "ccc-inbox-search", "ccc-review", "lead-approvals");

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

    @Test
    void everyPagePassesAxeAtBothWidthsForEveryRole() {
        String base = server.getURL().toString();
        long campaign = fixtures.northCampaign();
        Map<String, String> pages = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();

        check(base + "/ui/login", "login", problems);
        // The page a patient sees for a booking link that is unknown or expired.
        check(base + "/b/AAAAAAAAAAAAAAAA", "patient-booking-link-missing", problems);

        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        pages.put("ccc-home", "/ui");
        pages.put("ccc-imports", "/ui/imports");
        pages.put("ccc-patients", "/ui/patients");
        pages.put("ccc-cohorts", "/ui/cohorts");
        pages.put("ccc-templates", "/ui/templates");
        pages.put("ccc-campaigns", "/ui/campaigns");
        pages.put("ccc-campaign", "/ui/campaigns/" + campaign);
        pages.put("ccc-report", "/ui/campaigns/" + campaign + "/report");
        pages.put("ccc-gp-codes", "/ui/campaigns/" + campaign + "/gp-codes");
        pages.put("ccc-reports", "/ui/reports");
        pages.put("ccc-inbox", "/ui/inbox");
        pages.put("ccc-inbox-search", "/ui/inbox?status=all&q=Testperson&practice=P84001&language=en");
        pages.put("ccc-inbox-empty", "/ui/inbox?q=nobody-at-all");
        pages.put("ccc-inbox-patient", "/ui/inbox/patients/" + cara);
        pages.put("ccc-approvals", "/ui/templates/approvals");
        pages.put("ccc-phone", "/ui/phone?number=" + java.net.URLEncoder.encode(northMobile, java.nio.charset.StandardCharsets.UTF_8));
        pages.put("ccc-password", "/ui/password");
        pages.forEach((name, path) -> check(base + path, name, problems));
        checkReview(base, problems);
        logOut(base);

        pages.clear();
        Browser.login(driver, base, "lead.north", Api.USER_PASSWORD);
        pages.put("lead-home", "/ui");
        pages.put("lead-templates", "/ui/templates");
        pages.put("lead-campaigns", "/ui/campaigns");
        pages.put("lead-campaign", "/ui/campaigns/" + campaign);
        pages.put("lead-report", "/ui/campaigns/" + campaign + "/report");
        pages.put("lead-gp-codes", "/ui/campaigns/" + campaign + "/gp-codes");
        pages.put("lead-reports", "/ui/reports");
        pages.put("lead-audit", "/ui/audit");
        pages.put("lead-refused", "/ui/inbox");
        pages.put("lead-approvals", "/ui/templates/approvals");
        pages.forEach((name, path) -> check(base + path, name, problems));
        logOut(base);

        pages.clear();
        Browser.login(driver, base, "admin", Api.ADMIN_PASSWORD);
        pages.put("admin-home", "/ui");
        pages.put("admin-users", "/ui/users");
        pages.put("admin-audit", "/ui/audit");
        pages.put("admin-templates", "/ui/templates");
        pages.put("admin-campaigns", "/ui/campaigns");
        pages.put("admin-reports", "/ui/reports");
        pages.put("admin-approvals", "/ui/templates/approvals");
        pages.put("admin-inbox", "/ui/inbox?status=all");
        pages.forEach((name, path) -> check(base + path, name, problems));

        assertThat(problems).as("WCAG 2.2 A/AA violations and sideways scrolling").isEmpty();
    }

    /** The page at both widths: axe, sideways scrolling, and (for the main pages) a screenshot. */
    private void check(String url, String name, List<String> problems) {
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
    private void checkReview(String base, List<String> problems) {
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

    private void logOut(String base) {
        driver.get(base + "/ui");
        Browser.settled(driver);
        Browser.clickAndWaitForPage(driver, By.cssSelector("#logout-form button"));
    }

    private void screenshot(String name) {
        try {
            Path out = Path.of("docs", "screens", name + ".png");
            Files.createDirectories(out.getParent());
            Files.write(out, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCccLogsInAndWorksAnInboxItemByKeyboardAlone() {
        String base = server.getURL().toString();
        driver.get(base + "/ui/login");
        Browser.settled(driver);
        // The first Tab reaches the skip link, which takes focus to the page's main content.
        press(Keys.TAB);
        assertThat(focused().getAttribute("class")).contains("nhsuk-skip-link");
        press(Keys.ENTER);
        assertThat(focused().getAttribute("id")).isEqualTo("maincontent");
        // Into the form: username, password, then Enter submits.
        tabTo("username");
        focused().sendKeys("ccc.north");
        press(Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("password");
        focused().sendKeys(Api.USER_PASSWORD);
        String mark = markPage();
        press(Keys.ENTER);
        waitForNewPage(mark);
        Browser.waitForText(driver, By.cssSelector("span.who"), "ccc.north");
        // A new page starts focus at its top, so the skip link is the first stop again.
        press(Keys.TAB);
        assertThat(focused().getAttribute("class")).contains("nhsuk-skip-link");

        driver.get(base + "/ui/inbox");
        Browser.settled(driver);
        // Reach the first item's outcome form by keyboard, choose an outcome with the arrow keys and submit.
        tabTo("outcome-" + firstItemId());
        WebElement outcome = focused();
        outcome.sendKeys(Keys.ARROW_DOWN);
        String item = firstItemId();
        tabToSubmitOf(item);
        press(Keys.ENTER);
        Browser.waitForText(driver, By.id("item-" + item), "Done");
        Browser.settled(driver);
        // After the swap focus is on the item's status line, which says what was done (not on the menu's unread
        // count, which the same answer swaps in out of band, and not lost to the body).
        assertFocusOn(item, "status", "Marked done: Called.");
    }

    /**
     * A CCC finds a patient's reply, opens their page, comes back and confirms the opt-out the reply asks for, by
     * keyboard alone. After each step focus is where the next step starts: the results line after a search, the
     * page's heading after opening the patient, the item's status line after the confirm.
     */
    @Test
    void aCccFindsAReplyOpensThePatientAndConfirmsTheirOptOutByKeyboardAlone() {
        String base = server.getURL().toString();
        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/inbox");
        Browser.settled(driver);
        assertThat(driver.findElement(By.id("nav-unread")).getText()).contains("3");

        // Search by name: type, Enter. The new page puts focus on the line that says what was found.
        tabTo("q");
        focused().sendKeys("Cara");
        String mark = markPage();
        press(Keys.ENTER);
        waitForNewPage(mark);
        assertThat(focused().getAttribute("id")).isEqualTo("inbox-count");
        assertThat(focused().getText()).isEqualTo("1 reply found");
        String item = firstItemId();

        // On to the patient's name in the item, Enter: the patient's page, whose first Tab stop is its skip link.
        tabToLink("Cara Testperson");
        mark = markPage();
        press(Keys.ENTER);
        waitForNewPage(mark);
        assertThat(driver.getCurrentUrl()).contains("/ui/inbox/patients/" + cara);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Cara Testperson");
        press(Keys.TAB);
        assertThat(focused().getAttribute("class")).contains("nhsuk-skip-link");
        // Opening her page opened her reply for the whole PCN: the menu's count went down.
        assertThat(driver.findElement(By.id("nav-unread")).getText()).contains("2");

        // Back to the inbox as it was left (the search kept): focus on the results line again.
        tabTo("back");
        mark = markPage();
        press(Keys.ENTER);
        waitForNewPage(mark);
        assertThat(focused().getAttribute("id")).isEqualTo("inbox-count");
        assertThat(driver.findElement(By.id("q")).getAttribute("value")).isEqualTo("Cara");

        // The one-click confirm: Tab to it, Enter. Focus lands on the item's status line, which says what was done.
        tabTo("confirm-opt-out-" + item);
        press(Keys.ENTER);
        Browser.waitForText(driver, By.id("item-" + item), "Opt-out recorded");
        Browser.settled(driver);
        assertFocusOn(item, "status", "Opt-out recorded. 1 text waiting to be sent was cancelled.");
        assertThat(db.count("SELECT count(*) FROM message WHERE patient_id = ? AND status = 'CANCELLED'", cara)).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM opted_out_patient WHERE patient_id = ?", cara)).isEqualTo(1);
    }

    /**
     * The inbox's other actions by keyboard: an opt-out and then an opt-in taken by phone (each behind a confirm
     * dialog), and an item a colleague marked done while it was being worked. Every answer also swaps the menu's
     * unread count in out of band; focus still lands on the worked item's own status or alert line, and Tab goes
     * on from there inside the item.
     */
    @Test
    void everyInboxActionByKeyboardPutsFocusOnWhatHappened() {
        String base = server.getURL().toString();
        String colleague = new Api(client.toBlocking()).user("ccc.north2", "CCC", "North PCN");
        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/inbox");
        Browser.settled(driver);
        String caraItem = (String) js("return document.querySelector('[id^=confirm-opt-out-]').id.substring(16)");
        assertThat(driver.findElement(By.id("item-" + caraItem)).getText()).contains("No more messages please");

        // Opt-out taken by phone: Enter, OK in the dialog. Focus on her item's status line.
        tabToButtonOf(caraItem, "Opt-out taken by phone");
        press(Keys.ENTER);
        Browser.waiting(driver).until(ExpectedConditions.alertIsPresent()).accept();
        Browser.waitForText(driver, By.id("item-" + caraItem), "Opt-out taken by phone recorded.");
        Browser.settled(driver);
        assertFocusOn(caraItem, "status", "Opt-out taken by phone recorded.");
        assertThat(db.count("SELECT count(*) FROM opted_out_patient WHERE patient_id = ?", cara)).isEqualTo(1);
        // Tab goes on from the status line: the next stop is in the same item.
        press(Keys.TAB);
        assertThat(focusInItem(caraItem)).as("Tab from the status line stays in the item").isTrue();

        // Then the opt-in, from there: focus on the new status line.
        tabToButtonOf(caraItem, "Opt-in taken by phone");
        press(Keys.ENTER);
        Browser.waiting(driver).until(ExpectedConditions.alertIsPresent()).accept();
        Browser.waitForText(driver, By.id("item-" + caraItem), "Opt-in taken by phone recorded.");
        Browser.settled(driver);
        assertFocusOn(caraItem, "status", "Opt-in taken by phone recorded.");
        assertThat(db.count("SELECT count(*) FROM opted_out_patient WHERE patient_id = ?", cara)).isZero();

        // Another item: an outcome chosen, but a colleague marks it done first. Focus on the alert that says so.
        String other = (String) js("return document.querySelector('[id^=item-]:not(#item-' + arguments[0] + ')').id.substring(5)",
                caraItem);
        tabTo("outcome-" + other);
        focused().sendKeys(Keys.ARROW_DOWN);
        client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + other + "/done", Map.of("outcome", "CALLED"))
                .bearerAuth(colleague));
        tabToSubmitOf(other);
        press(Keys.ENTER);
        Browser.waitForText(driver, By.id("item-" + other), "Already done by a colleague.");
        Browser.settled(driver);
        assertFocusOn(other, "alert", "Already done by a colleague.");
    }

    /**
     * A part of a page that htmx refreshes by itself (the campaign's counts, every 3 s) never moves focus: a
     * screen-reader user reading the page would be pulled to the counts at each refresh.
     */
    @Test
    void aRefreshThatTheUserDidNotAskForLeavesFocusAlone() {
        String base = server.getURL().toString();
        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/campaigns/" + fixtures.northCampaign());
        Browser.settled(driver);
        assertThat((Boolean) js("return document.activeElement === document.body")).isTrue();
        WebElement counts = driver.findElement(By.id("counts"));
        Browser.waiting(driver).until(ExpectedConditions.stalenessOf(counts));
        Browser.settled(driver);
        assertThat((String) js("return document.activeElement === document.body ? 'body' : document.activeElement.outerHTML"))
                .as("focus after the counts refreshed").isEqualTo("body");
    }

    /** Focus is on the item's line with this role and text (the answer's status or alert), inside the item. */
    private void assertFocusOn(String item, String role, String text) {
        String where = (String) js("return document.activeElement.outerHTML");
        assertThat(focused().getAttribute("role")).as("role of the focused element %s", where).isEqualTo(role);
        assertThat(focused().getText()).as("text of the focused element").contains(text);
        assertThat(focusInItem(item)).as("focus inside #item-%s, not on %s", item, where).isTrue();
    }

    private boolean focusInItem(String item) {
        return Boolean.TRUE.equals(js("return document.getElementById('item-' + arguments[0]).contains(document.activeElement)", item));
    }

    private void tabToButtonOf(String item, String text) {
        for (int i = 0; i < 40; i++) {
            if ("button".equals(focused().getTagName()) && text.equals(focused().getText()) && focusInItem(item)) {
                return;
            }
            press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached the button " + text + " of item " + item);
    }

    private void tabToLink(String text) {
        for (int i = 0; i < 60; i++) {
            if ("a".equals(focused().getTagName()) && text.equals(focused().getText())) {
                return;
            }
            press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached the link " + text);
    }

    private String firstItemId() {
        return (String) js("var el = document.querySelector('[id^=item-]'); return el ? el.id.substring(5) : null");
    }

    private void tabToSubmitOf(String item) {
        for (int i = 0; i < 40; i++) {
            press(Keys.TAB);
            WebElement f = focused();
            if ("submit".equals(f.getAttribute("type"))
                    && Boolean.TRUE.equals(js("return document.getElementById('item-' + arguments[0]).contains(document.activeElement)"
                    + " && document.activeElement.closest('form').querySelector('select[name=outcome]') !== null", item))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached the item's Done button");
    }

    private void tabTo(String id) {
        for (int i = 0; i < 60; i++) {
            if (id.equals(focused().getAttribute("id"))) {
                return;
            }
            press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached #" + id + "; last focus on " + focused().getAttribute("outerHTML"));
    }

    private void press(CharSequence key) {
        new org.openqa.selenium.interactions.Actions(driver).sendKeys(key).perform();
    }

    private WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private String markPage() {
        String mark = java.util.UUID.randomUUID().toString();
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
