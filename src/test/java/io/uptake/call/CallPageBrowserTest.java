package io.uptake.call;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Axe;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The call list page in headless Chromium: no WCAG 2.2 AA violation (axe-core), a patient the campaign wrote to is
 * shown with their landline and letters, and a CCC records a call's outcome by keyboard alone, focus staying on the
 * call that changed.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
class CallPageBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    CallLists lists;

    WebDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void aCccRecordsACallByKeyboardAlone() throws Exception {
        Database.reset(dataSource);
        clock.set(Instant.parse("2026-03-02T09:00:00Z"));
        BlockingHttpClient http = client.toBlocking();
        Api api = new Api(http);
        String admin = api.adminToken();
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", ("practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n").getBytes(StandardCharsets.UTF_8))).bearerAuth(admin), Map.class);
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        StringBuilder csv = new StringBuilder("nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code,home_telephone,"
                + "address_line_1,town,postcode\n");
        for (int i = 0; i < 2; i++) {
            csv.append(NhsNumbers.next()).append(",Key").append(i).append(",Board,1970-01-01,M,")
                    .append(NhsNumbers.mobile(800 + i)).append(",en,Black African,Y00001,,").append(i)
                    .append(" Oak Road,Manchester,M14 5AA\n");
        }
        // No mobile, so written to rather than texted (the invitation is AUTO), and called on the landline (issue 14).
        csv.append(NhsNumbers.next()).append(",Land,Line,1970-01-01,M,,en,Black African,Y00001,0161 496 0801,")
                .append("9 Birch Road,Manchester,M14 5AB\n");
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/patients", csv.toString().getBytes(StandardCharsets.UTF_8))).bearerAuth(admin), Map.class);
        Map<String, Object> request = new HashMap<>(Map.of("name", "Calls by keyboard", "programme", "psa-eligible",
                "asOf", "2026-03-02", "reminders", List.of(Map.of("afterDays", 14)),
                "waves", List.of(Map.of("channel", "AUTO"), Map.of("channel", "CALL"))));
        HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        long campaign = ((Number) created.body().get("id")).longValue();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE campaign SET status = 'SENDING' WHERE id = " + campaign);
        }
        clock.set(Instant.parse("2026-03-16T10:00:00Z"));
        assertThat(lists.listDue()).isEqualTo(3);

        driver = Browser.open();
        String base = server.getURL().toString();
        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/calls");
        Browser.settled(driver);
        assertThat(Axe.violations(driver)).isEmpty();
        assertThat(Axe.sidewaysOverflow(driver)).isZero();
        WebElement landline = driver.findElements(By.cssSelector("article.call-task")).stream()
                .filter(a -> a.getText().contains("Land Line")).findFirst().orElseThrow();
        assertThat(landline.getText()).contains("0161 496 0801").contains("Letter (no mobile to text)")
                .contains("Letters in this campaign").contains("Ask for the patient by name");
        assertThat(landline.findElement(By.cssSelector("a.phone")).getAttribute("href")).isEqualTo("tel:+441614960801");

        String first = driver.findElements(By.cssSelector("article.call-task")).get(0).getAttribute("id");
        String id = first.substring("call-".length());
        // Tab to the call's first outcome, move to "Declined" with the arrow keys (which selects it), on to the
        // note, type, then Enter submits.
        tabTo("outcome-" + id + "-BOOKED");
        press(Keys.ARROW_DOWN);
        assertThat(focused().getAttribute("id")).isEqualTo("outcome-" + id + "-DECLINED");
        tabTo("note-" + id);
        focused().sendKeys("Not this year", Keys.ENTER);
        Browser.waitForText(driver, By.id(first), "Recorded: Declined.");
        Browser.settled(driver);
        assertThat((Boolean) ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById(arguments[0]).contains(document.activeElement)", first))
                .as("focus stays on the call that was recorded").isTrue();
        assertThat(driver.findElement(By.id(first)).getText()).contains("Done").contains("Not this year");
    }

    private void tabTo(String id) {
        for (int i = 0; i < 80; i++) {
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
}
