package io.uptake.web;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.user.PcnRepository;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** A real browser logs in and adds a user through the htmx form, CSRF header and all. */
@MicronautTest(transactional = false)
class BrowserLoginTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    PcnRepository pcns;
    @Inject
    Clock clock;

    WebDriver driver;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        pcns.ensure("Browser PCN", clock.instant());
        driver = Browser.open();
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void adminLogsInAndAddsACcc() {
        String base = server.getURL().toString();
        Browser.login(driver, base, "admin", Api.ADMIN_PASSWORD);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Practices");
        assertThat(driver.findElement(By.className("sim-banner")).getText()).contains("SIMULATED SMS CHANNEL");

        driver.get(base + "/ui/users");
        WebElement form = driver.findElement(By.id("add-user"));
        form.findElement(By.name("username")).sendKeys("ccc.browser");
        form.findElement(By.name("password")).sendKeys("long-enough-pw");
        new Select(form.findElement(By.name("role"))).selectByValue("CCC");
        new Select(form.findElement(By.name("pcn"))).selectByVisibleText("Browser PCN");
        driver.findElement(By.cssSelector("#add-user button[type=submit]")).click();

        assertThat(Browser.waitForText(driver, By.id("panel"), "Created ccc.browser").getText()).contains("Browser PCN");
    }
}
