package io.uptake.template;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Axe;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The editor of a PCN's own texts in headless Chromium: the checks change while the CCC types (an Arabic text with
 * a phone number in Arabic-Indic digits, then one that keeps its order), a save is a draft waiting for a lead, and a
 * refused save shows the error summary with focus on it and keeps what was typed. No WCAG 2.2 AA violation.
 */
@MicronautTest(transactional = false)
class OwnTextEditorBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    WebDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void aCccWritesAnArabicTextWithTheChecksLiveAndSavesADraft() {
        Database.reset(dataSource);
        new io.uptake.testsupport.Rows(dataSource).pcn("North PCN");
        new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        String base = server.getURL().toString();
        driver = Browser.open();
        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        driver.get(base + "/ui/templates/own?programme=psa-eligible&language=ar&message=initial");
        Browser.settled(driver);
        assertThat(driver.findElement(By.id("check-summary")).getText()).isEqualTo("No problems found.");
        assertThat(Axe.violations(driver)).isEmpty();
        assertThat(Axe.sidewaysOverflow(driver)).isZero();

        // Typing: after a pause the checks answer for what is typed, without a click.
        String indic = OwnTextCheckTest.ARABIC.replace("0161 496 0999", "٠١٦١ ٤٩٦ ٠٩٩٩");
        type(indic);
        Browser.waitForText(driver, By.id("check-problems"), "Arabic-Indic digits");
        Browser.settled(driver);
        assertThat(driver.findElement(By.id("check-bidi")).getText()).contains("wrong order");
        assertThat(driver.findElement(By.id("check-summary")).getText()).isEqualTo("1 problem to fix before you save:");

        type(OwnTextCheckTest.ARABIC);
        Browser.waitForText(driver, By.id("check-summary"), "No problems found.");
        Browser.settled(driver);
        assertThat(driver.findElement(By.id("check-bidi")).getText()).contains("keep their order");
        assertThat(driver.findElement(By.id("check-encoding")).getText()).contains("UCS-2");
        assertThat(driver.findElement(By.id("check-text")).getText()).contains("0161 496 0999");
        assertThat(Axe.violations(driver)).isEmpty();

        WebElement saved = Browser.clickAndWaitForSwap(driver, By.id("save"), By.id("saved"));
        assertThat(saved.getText()).contains("a lead of your PCN approves this version");
        assertThat(driver.findElement(By.id("version-state")).getText()).contains("Waiting for approval");
        assertThat(driver.findElement(By.id("whose")).getText()).startsWith("Your PCN's, saved by ccc.north");
        assertThat(new Rows(dataSource).queryString("SELECT body FROM pcn_template_text")).isEqualTo(OwnTextCheckTest.ARABIC);

        // A refused save: the error summary, focus on it, and the text as it was typed.
        String bad = OwnTextCheckTest.ARABIC.replace("{optOut}", "{stop}");
        type(bad);
        Browser.waitForText(driver, By.id("check-problems"), "{stop} is not a placeholder");
        Browser.settled(driver);
        WebElement errors = Browser.clickAndWaitForSwap(driver, By.id("save"), By.id("save-errors"));
        assertThat(errors.getText()).contains("{stop} is not a placeholder").contains("Put {optOut} back in the text");
        assertThat(driver.findElement(By.id("text")).getAttribute("value")).isEqualTo(bad);
        Browser.waitForText(driver, By.id("text-error"), "Put {optOut} back");
        Object focusInSummary = ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('save-errors').contains(document.activeElement)");
        assertThat(focusInSummary).isEqualTo(true);
        assertThat(Axe.violations(driver)).isEmpty();
        assertThat(new Rows(dataSource).queryLong("SELECT count(*) FROM pcn_template_text")).isEqualTo(1);
    }

    /** Replaces the textarea's text by typing, as a person would (select all, then type). */
    private void type(String text) {
        WebElement area = driver.findElement(By.id("text"));
        area.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE, text);
    }
}
