package io.uptake.template;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Axe;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A LEAD approves a language in headless Chromium: from the approvals list to the language's texts as patients get
 * them, the checks confirmed (an approval with a check left is refused in words and keeps what was ticked), then
 * the list says what was approved. A draft waiting after an approval shows what patients get meanwhile (H-026).
 */
@MicronautTest(transactional = false)
class ApprovalPageBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    Rows rows;
    WebDriver driver;
    String ccc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        rows.pcn("North PCN");
        Api api = new Api(client.toBlocking());
        ccc = api.user("ccc.north", "CCC", "North PCN");
        api.user("lead.north", "LEAD", "North PCN");
        driver = Browser.open();
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void aLeadReadsTheUrduTextsConfirmsEveryCheckAndApprovesThem() {
        String base = server.getURL().toString();
        Browser.login(driver, base, "lead.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/templates/approvals");
        Browser.settled(driver);
        WebElement urdu = driver.findElement(By.cssSelector("[data-programme=psa-eligible] tr[data-lang=ur]"));
        assertThat(urdu.findElement(By.className("state")).getText()).contains("Draft");
        assertThat(urdu.findElement(By.className("sends")).getText()).isEqualTo("The approved English text");
        // Programme names, not keys.
        assertThat(driver.findElement(By.cssSelector("[data-programme=psa-eligible] h2")).getText())
                .doesNotContain("psa-eligible");

        Browser.clickAndWaitForPage(driver, By.id("approve-psa-eligible-ur"));
        assertThat(driver.findElement(By.id("approve-heading")).getText()).isEqualTo("Urdu texts");
        List<WebElement> texts = driver.findElements(By.cssSelector("section[data-message] p.text"));
        assertThat(texts).isNotEmpty().allSatisfy(t -> {
            assertThat(t.getAttribute("dir")).isEqualTo("auto");
            assertThat(((JavascriptExecutor) driver).executeScript("return getComputedStyle(arguments[0]).direction", t))
                    .isEqualTo("rtl");
        });
        // As a handset lays it out: the practice's phone number reads left to right inside the right-to-left text
        // (issue 13's defect was "0000 496 0161"). Measured on the page, where each digit group is drawn.
        assertThat(xOf(texts.get(0), "0161")).as("0161 left of 496").isLessThan(xOf(texts.get(0), "496"));
        assertThat(xOf(texts.get(0), "496")).as("496 left of 0000").isLessThan(xOf(texts.get(0), "0000"));
        assertThat(Axe.violations(driver)).isEmpty();

        // Two of the four checks: refused, each missing one named, the two ticked still ticked, nothing approved.
        driver.findElement(By.cssSelector("label[for=check-read]")).click();
        driver.findElement(By.cssSelector("label[for=check-content]")).click();
        Browser.clickAndWaitForSwap(driver, By.id("approve-button"), By.id("approve-errors"));
        Browser.settled(driver);
        assertThat(driver.findElement(By.id("approve-errors")).getText())
                .contains("Confirm that the practice, how to book")
                .contains("Confirm that someone fluent in the language has read the texts")
                .doesNotContain("Confirm that you have read every text");
        assertThat(driver.findElement(By.id("check-read")).isSelected()).isTrue();
        assertThat(driver.findElement(By.id("check-details")).isSelected()).isFalse();
        assertThat(rows.queryLong("SELECT count(*) FROM template_approval")).isZero();

        driver.findElement(By.cssSelector("label[for=check-details]")).click();
        driver.findElement(By.cssSelector("label[for=check-fluent]")).click();
        Browser.clickAndWaitForPage(driver, By.id("approve-button"));
        assertThat(driver.findElement(By.id("approved-panel")).getText()).contains("Urdu texts approved")
                .contains("Prostate").doesNotContain("psa-eligible");
        assertThat(driver.findElement(By.cssSelector("[data-programme=psa-eligible] tr[data-lang=ur] .state")).getText())
                .contains("Approved");
        assertThat(rows.queryLong("SELECT count(*) FROM template_approval WHERE programme = 'psa-eligible' "
                + "AND language = 'ur' AND approved_by = 'lead.north'")).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'TEMPLATE_APPROVED'")).isEqualTo(1);
    }

    @Test
    void aNewDraftAfterAnApprovalSaysThatTheApprovedVersionIsStillSent() {
        // The PCN's own English, approved; then a CCC changes a word.
        String english = "Hello {givenName}, {practiceName} offers men a PSA chat. Call {practicePhone}. "
                + "{booking} {callBack} {optOut}";
        Map<String, Object> first = client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", english)).bearerAuth(ccc), Json.OBJECT);
        String base = server.getURL().toString();
        Browser.login(driver, base, "lead.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/templates/approvals/psa-eligible/en");
        Browser.settled(driver);
        assertThat(driver.findElement(By.cssSelector("section[data-message=initial] p.text")).getText())
                .startsWith("Hello ");
        // English has no fluency check.
        assertThat(driver.findElements(By.id("check-fluent"))).isEmpty();
        for (String check : List.of("read", "content", "details")) {
            driver.findElement(By.cssSelector("label[for=check-" + check + "]")).click();
        }
        Browser.clickAndWaitForPage(driver, By.id("approve-button"));
        assertThat(rows.queryString("SELECT version FROM template_approval WHERE language = 'en'"))
                .isEqualTo(first.get("version"));

        client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", english.replace("Hello", "Hi"))).bearerAuth(ccc), Json.OBJECT);
        driver.get(base + "/ui/templates/approvals");
        Browser.settled(driver);
        WebElement en = driver.findElement(By.cssSelector("[data-programme=psa-eligible] tr[data-lang=en]"));
        assertThat(en.findElement(By.className("state")).getText()).contains("Draft").contains("Your PCN's texts");
        assertThat(en.findElement(By.className("sends")).getText())
                .startsWith("The version lead.north approved on").endsWith("until this one is approved");
        Browser.clickAndWaitForPage(driver, By.id("approve-psa-eligible-en"));
        assertThat(driver.findElement(By.id("approve-sends")).getText())
                .contains("your PCN's English texts as lead.north approved them");
        assertThat(driver.findElement(By.cssSelector("section[data-message=initial] p.text")).getText())
                .startsWith("Hi ");
    }

    /** Where on the page (x, in CSS pixels) the first occurrence of {@code run} in the element's text is drawn. */
    private double xOf(WebElement element, String run) {
        Object x = ((JavascriptExecutor) driver).executeScript("""
                var el = arguments[0], run = arguments[1];
                var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (var n = walker.nextNode(); n; n = walker.nextNode()) {
                  var i = n.data.indexOf(run);
                  if (i >= 0) {
                    var r = document.createRange();
                    r.setStart(n, i);
                    r.setEnd(n, i + run.length);
                    return r.getBoundingClientRect().left;
                  }
                }
                return null;""", element, run);
        assertThat(x).as("'%s' in the text", run).isNotNull();
        return ((Number) x).doubleValue();
    }
}
