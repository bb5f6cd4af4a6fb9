package io.uptake.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headless Chromium under the real Content-Security-Policy: every page of every role works (htmx, the report's
 * charts, the sortable table) without a single CSP violation, and an inline script slipped into a page does not run.
 * Violations are collected by a listener DevTools installs before each page's own scripts (it is not subject to
 * the page's CSP), so one during loading is caught too.
 */
@MicronautTest(transactional = false)
class CspBrowserTest {
    private static final String RECORD_VIOLATIONS = """
            window.__csp = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__csp.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));
            """;

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

    BlockingHttpClient http;
    WebDriver driver;
    String base;
    Map<String, String> tokens = new LinkedHashMap<>();
    long campaign;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        base = server.getURL().toString();
        Rows rows = new Rows(dataSource);
        long north = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        String mobile = Rows.mobile(432);
        long patient = rows.patient("P84001").named("Ada", "Testperson").mobile(mobile).insert();
        CampaignRows campaigns = new CampaignRows(dataSource, clock);
        java.time.Instant weekAgo = campaigns.now().minus(java.time.Duration.ofDays(7));
        campaign = campaigns.campaign(north).name("North FIT").startAt(weekAgo).asOf(campaigns.today().minusDays(7))
                .createdBy("ccc.north").insert();
        long recipient = campaigns.recipient(campaign, patient).language("en").mobile(mobile)
                .indexDate(campaigns.today().minusDays(7)).insert();
        campaigns.message(campaign, recipient, patient).to(mobile).language("en")
                .body("Your bowel screening kit: please return it.").segments(1).status("DELIVERED").sentAt(weekAgo)
                .insert();
        Map<String, String> form = new LinkedHashMap<>(Map.of("MessageSid", "SMcsp1", "AccountSid", "ACtest",
                "From", mobile, "To", "+447700900999", "Body", "Please call me", "NumSegments", "1"));
        http.exchange(HttpRequest.POST("/webhooks/twilio/inbound", form).contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign("/webhooks/twilio/inbound", form)), String.class);
        Api api = new Api(http);
        tokens.put("admin", api.adminToken());
        tokens.put("lead.north", api.user("lead.north", "LEAD", "North PCN"));
        tokens.put("ccc.north", api.user("ccc.north", "CCC", "North PCN"));
        driver = Browser.open();
        ((ChromiumDriver) driver).executeCdpCommand("Page.enable", Map.of());
        ((ChromiumDriver) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_VIOLATIONS));
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void everyPageOfEveryRoleWorksWithoutACspViolation() {
        List<String> violations = new ArrayList<>();
        open("/ui/login", null);
        violations.addAll(violations("/ui/login"));

        logInAs("ccc.north");
        for (String page : List.of("/ui", "/ui/imports", "/ui/patients", "/ui/cohorts", "/ui/templates", "/ui/inbox",
                "/ui/phone", "/ui/reports", "/ui/campaigns/" + campaign)) {
            open(page, "span.who");
            violations.addAll(violations(page));
        }
        // htmx works: the launch form's preview is fetched and swapped in on load.
        open("/ui/campaigns", "span.who");
        Browser.waiting(driver).until(d -> !d.findElements(By.cssSelector("#estimate, #preview .error")).isEmpty());
        violations.addAll(violations("/ui/campaigns"));
        // chart.js draws under the CSP.
        open("/ui/campaigns/" + campaign + "/report", "span.who");
        WebElement report = driver.findElement(By.id("report"));
        Browser.waiting(driver).until(d -> report.getAttribute("data-charts-ready") != null);
        assertThat(report.getAttribute("data-charts-ready")).isEqualTo("true");
        violations.addAll(violations("/ui/campaigns/" + campaign + "/report"));

        logInAs("admin");
        open("/ui/users", "span.who");
        violations.addAll(violations("/ui/users"));

        logInAs("lead.north");
        open("/ui/reports", "span.who");
        violations.addAll(violations("/ui/reports"));
        open("/ui/imports", "span.who");
        assertThat(driver.findElement(By.id("forbidden")).getText()).isEqualTo("This page is not for your role");
        violations.addAll(violations("/ui/imports (refused)"));

        assertThat(violations).as("CSP violations").isEmpty();
    }

    @Test
    void anInlineScriptSlippedIntoAPageDoesNotRun() {
        logInAs("ccc.north");
        open("/ui", "span.who");
        Object ran = ((JavascriptExecutor) driver).executeScript("""
                const s = document.createElement('script');
                s.textContent = 'window.__inlineRan = true';
                document.head.appendChild(s);
                return window.__inlineRan === true;""");
        assertThat(ran).isEqualTo(false);
        assertThat(violations("/ui")).anySatisfy(v -> assertThat(v).contains(": script-src-elem inline"));
    }

    /** The menu each role sees in the browser: only what it may open. */
    @Test
    void eachRoleSeesOnlyItsMenu() {
        Map<String, List<String>> menus = Map.of(
                "lead.north", List.of("Home", "Templates", "Approvals", "Campaigns", "Uptake", "Audit log"),
                "ccc.north", List.of("Home", "Imports", "Patients", "Cohorts", "Templates", "Approvals", "Campaigns", "Inbox", "Calls", "Simulated phone", "Uptake"),
                "admin", List.of("Home", "Imports", "Patients", "Cohorts", "Templates", "Approvals", "Campaigns", "Inbox", "Simulated phone", "Uptake", "Users", "Budgets", "Audit log"));
        for (var menu : menus.entrySet()) {
            logInAs(menu.getKey());
            open("/ui", "span.who");
            List<String> links = driver.findElements(By.cssSelector("header.top nav a:not(.brand)")).stream()
                    .map(e -> e.getAttribute("textContent").trim())
                    // the inbox's unread count ("Inbox, 1 unread" to a screen reader) is not part of the item's name
                    .map(t -> t.replaceAll(", \\d+ unread$", ""))
                    .toList(); // items in the header's "More" menu are hidden until opened
            assertThat(links).as(menu.getKey()).containsExactlyElementsOf(menu.getValue());
        }
    }

    /** The page's session cookie holds the same JWT as the API's login; set on our origin before the first page. */
    private void logInAs(String username) {
        driver.get(base + "/ui/login");
        Browser.settled(driver);
        driver.manage().deleteAllCookies();
        driver.manage().addCookie(new Cookie("UPTAKE_JWT", tokens.get(username), "/"));
    }

    private void open(String path, String waitFor) {
        driver.get(base + path);
        Browser.settled(driver);
        if (waitFor != null) {
            Browser.waiting(driver).until(d -> !d.findElements(By.cssSelector(waitFor)).isEmpty());
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> violations(String page) {
        Object recorded = ((JavascriptExecutor) driver).executeScript("return window.__csp;");
        assertThat(recorded).as("the violation listener ran on " + page).isNotNull();
        return ((List<Object>) recorded).stream().map(v -> page + ": " + v).toList();
    }
}
