package io.uptake.web;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The session as a browser lives it: Log out, the idle warning with Stay signed in, the forced password change
 * after a reset, and an admin disabling a user and finding it in the audit log. Server time is the settable test
 * clock; activity is written only on "Stay signed in" here (touch-every 1 h), so moving the clock and loading a
 * page puts the page in the warning window.
 */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = SessionBrowserTest.START)
@Property(name = "uptake.session.touch-every", value = "1h")
class SessionBrowserTest {
    static final String START = "2026-03-02T09:00:00Z";
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    @Client("/")
    HttpClient client;

    WebDriver driver;
    String base;
    Rows rows;

    @BeforeEach
    void setUp() {
        clock.set(Instant.parse(START));
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        rows.pcnNamed("Browser PCN");
        base = server.getURL().toString();
        driver = Browser.open();
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void logOutEndsTheSession() {
        Browser.login(driver, base, "admin", Api.ADMIN_PASSWORD);
        String cookie = driver.manage().getCookieNamed(WebSessionTestSupport.COOKIE).getValue();
        Browser.clickAndWaitForPage(driver, By.cssSelector("#logout-form button"));
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "/ui/login");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Log in to Uptake");
        assertThat(driver.manage().getCookieNamed(WebSessionTestSupport.COOKIE)).isNull();
        // The token the cookie held is dead on the server too.
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/users")
                .cookie(io.micronaut.http.cookie.Cookie.of(WebSessionTestSupport.COOKIE, cookie))))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
    }

    @Test
    void thePageWarnsBeforeTheIdleTimeoutAndStaySignedInKeepsTheSession() {
        Browser.login(driver, base, "admin", Api.ADMIN_PASSWORD);
        clock.advance(Duration.ofMinutes(29));
        driver.get(base + "/ui/users");
        Browser.waitForText(driver, By.id("idle-warning"), "You will be logged out in");
        assertThat(driver.findElement(By.id("idle-countdown")).getText()).matches("[01]:\\d\\d");

        driver.findElement(By.id("stay-signed-in")).click();
        Browser.waiting(driver).until(ExpectedConditions.invisibilityOfElementLocated(By.id("idle-warning")));
        assertThat(rows.queryLong("SELECT (extract(epoch FROM last_seen_at) * 1000)::bigint FROM staff_session"))
                .isEqualTo(clock.instant().toEpochMilli());

        // Then nothing for 31 minutes: the session has ended, and the page (looking again when it is seen) says so.
        clock.advance(Duration.ofMinutes(31));
        ((JavascriptExecutor) driver).executeScript("document.dispatchEvent(new Event('visibilitychange'))");
        Browser.waitForText(driver, By.id("login-notice"), "logged out after 30 minutes without activity");
        driver.get(base + "/ui");
        assertThat(driver.getCurrentUrl()).startsWith(base + "/ui/login");
    }

    @Test
    void aResetPasswordIsChangedAtTheNextLogin() {
        BlockingHttpClient http = client.toBlocking();
        Api api = new Api(http);
        api.user("ccc.browser", "CCC", "Browser PCN");
        long id = rows.queryLong("SELECT id FROM app_user WHERE username = 'ccc.browser'");
        http.exchange(HttpRequest.POST("/api/users/" + id + "/password-reset", Map.of("password", "temporary-passphrase"))
                .bearerAuth(api.adminToken()));

        Browser.login(driver, base, "ccc.browser", "temporary-passphrase");
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "/ui/password");
        assertThat(driver.findElement(By.id("panel")).getText()).contains("An administrator reset your password");
        driver.get(base + "/ui/campaigns");
        assertThat(driver.getCurrentUrl()).as("every other page leads back here").isEqualTo(base + "/ui/password");

        driver.findElement(By.id("current-password")).sendKeys("temporary-passphrase");
        driver.findElement(By.id("new-password")).sendKeys("my-ccc.browser-pass");
        assertThat(Browser.clickAndWaitForSwap(driver, By.id("change-password"), By.id("password-error")).getText())
                .isEqualTo("newPassword: must not contain the username");

        driver.findElement(By.id("current-password")).sendKeys("temporary-passphrase");
        driver.findElement(By.id("new-password")).sendKeys("three unrelated words");
        Browser.clickAndWaitForPage(driver, By.id("change-password"));
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "/ui");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Practices");
        driver.get(base + "/ui/campaigns");
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "/ui/campaigns");
    }

    @Test
    void anAdminDisablesAUserAndFindsItInTheAuditLog() {
        BlockingHttpClient http = client.toBlocking();
        String ccc = new Api(http).user("ccc.leaving", "CCC", "Browser PCN");
        Browser.login(driver, base, "admin", Api.ADMIN_PASSWORD);
        driver.get(base + "/ui/users");
        driver.findElement(By.id("user-ccc.leaving")).findElement(By.name("disable")).click();
        Browser.waiting(driver).until(ExpectedConditions.alertIsPresent()).accept();
        Browser.waitForText(driver, By.id("panel"), "Disabled ccc.leaving; their sessions have ended.");
        assertThat(driver.findElement(By.id("user-ccc.leaving")).getText()).contains("disabled");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/campaigns").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));

        driver.get(base + "/ui/audit");
        new Select(driver.findElement(By.id("filter-action"))).selectByValue("USER_DISABLED");
        Browser.clickAndWaitForPage(driver, By.id("filter"));
        assertThat(driver.findElement(By.id("audit-count")).getText()).isEqualTo("1 entry");
        // People's formats: the action in words and the time as "2 March 2026 at 9am" (the API keeps the keys).
        assertThat(driver.findElement(By.id("audit")).getText()).contains("admin").contains("User disabled")
                .contains("user:ccc.leaving").contains("2 March 2026 at 9am");

        // The dates are NHS three-box inputs: an end before the start is explained, and what was typed is kept.
        for (String[] box : new String[][] {{"from-day", "3"}, {"from-month", "3"}, {"from-year", "2026"},
                {"to-day", "2"}, {"to-month", "3"}, {"to-year", "2026"}}) {
            driver.findElement(By.id(box[0])).sendKeys(box[1]);
        }
        Browser.clickAndWaitForPage(driver, By.id("filter"));
        assertThat(driver.findElement(By.id("audit-errors")).getText())
                .contains("The end date must be the same as or after the start date");
        assertThat(driver.findElement(By.id("to-day")).getAttribute("value")).isEqualTo("2");
        assertThat(driver.findElement(By.id("from-day")).getAttribute("value")).isEqualTo("3");
        assertThat(driver.findElements(By.id("audit"))).isEmpty();
        driver.findElement(By.id("to-day")).clear();
        driver.findElement(By.id("to-day")).sendKeys("4");
        Browser.clickAndWaitForPage(driver, By.id("filter"));
        assertThat(driver.findElement(By.id("audit-count")).getText()).isEqualTo("0 entries");
        assertThat(driver.findElement(By.id("from-day")).getAttribute("value")).isEqualTo("3");
    }
}
