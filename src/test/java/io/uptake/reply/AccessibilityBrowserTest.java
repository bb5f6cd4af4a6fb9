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
import io.uptake.testsupport.Keyboard;
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
 * The login and working inbox items by keyboard alone, with focus checked after each step (WCAG 2.1.1, 2.4.3).
 * The axe checks of every page are in the *PagesAxeBrowserTest classes.
 */
@MicronautTest(transactional = false)
// The replies in setUp go through the webhook on a loaded machine: more than the client's default 10 s at times.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "60s")
class AccessibilityBrowserTest extends AccessibilityFixture {
    Keyboard keys;

    @org.junit.jupiter.api.BeforeEach
    void keyboard() {
        keys = new Keyboard(driver); // after the fixture's set-up has opened the browser
    }

    @Test
    void aCccLogsInAndWorksAnInboxItemByKeyboardAlone() {
        String base = server.getURL().toString();
        driver.get(base + "/ui/login");
        Browser.settled(driver);
        // The first Tab reaches the skip link, which takes focus to the page's main content.
        keys.press(Keys.TAB);
        assertThat(keys.focused().getAttribute("class")).contains("nhsuk-skip-link");
        keys.press(Keys.ENTER);
        assertThat(keys.focused().getAttribute("id")).isEqualTo("maincontent");
        // Into the form: username, password, then Enter submits.
        keys.tabTo("username");
        keys.focused().sendKeys("ccc.north");
        keys.press(Keys.TAB);
        assertThat(keys.focused().getAttribute("id")).isEqualTo("password");
        keys.focused().sendKeys(Api.USER_PASSWORD);
        String mark = keys.markPage();
        keys.press(Keys.ENTER);
        keys.waitForNewPage(mark);
        Browser.waitForText(driver, By.cssSelector("span.who"), "ccc.north");
        // A new page starts focus at its top, so the skip link is the first stop again.
        keys.press(Keys.TAB);
        assertThat(keys.focused().getAttribute("class")).contains("nhsuk-skip-link");

        driver.get(base + "/ui/inbox");
        Browser.settled(driver);
        // Reach the first item's outcome form by keyboard, choose an outcome with the arrow keys and submit.
        keys.tabTo("outcome-" + firstItemId());
        WebElement outcome = keys.focused();
        outcome.sendKeys(Keys.ARROW_DOWN);
        String item = firstItemId();
        tabToSubmitOf(item);
        keys.press(Keys.ENTER);
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
        keys.tabTo("q");
        keys.focused().sendKeys("Cara");
        String mark = keys.markPage();
        keys.press(Keys.ENTER);
        keys.waitForNewPage(mark);
        assertThat(keys.focused().getAttribute("id")).isEqualTo("inbox-count");
        assertThat(keys.focused().getText()).isEqualTo("1 reply found");
        String item = firstItemId();

        // On to the patient's name in the item, Enter: the patient's page, whose first Tab stop is its skip link.
        keys.tabToLink("Cara Testperson");
        mark = keys.markPage();
        keys.press(Keys.ENTER);
        keys.waitForNewPage(mark);
        assertThat(driver.getCurrentUrl()).contains("/ui/inbox/patients/" + cara);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Cara Testperson");
        keys.press(Keys.TAB);
        assertThat(keys.focused().getAttribute("class")).contains("nhsuk-skip-link");
        // Opening her page opened her reply for the whole PCN: the menu's count went down.
        assertThat(driver.findElement(By.id("nav-unread")).getText()).contains("2");

        // Back to the inbox as it was left (the search kept): focus on the results line again.
        keys.tabTo("back");
        mark = keys.markPage();
        keys.press(Keys.ENTER);
        keys.waitForNewPage(mark);
        assertThat(keys.focused().getAttribute("id")).isEqualTo("inbox-count");
        assertThat(driver.findElement(By.id("q")).getAttribute("value")).isEqualTo("Cara");

        // The one-click confirm: Tab to it, Enter. Focus lands on the item's status line, which says what was done.
        keys.tabTo("confirm-opt-out-" + item);
        keys.press(Keys.ENTER);
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
        String caraItem = (String) keys.js("return document.querySelector('[id^=confirm-opt-out-]').id.substring(16)");
        assertThat(driver.findElement(By.id("item-" + caraItem)).getText()).contains("No more messages please");

        // Opt-out taken by phone: Enter, OK in the dialog. Focus on her item's status line.
        tabToButtonOf(caraItem, "Opt-out taken by phone");
        keys.press(Keys.ENTER);
        Browser.waiting(driver).until(ExpectedConditions.alertIsPresent()).accept();
        Browser.waitForText(driver, By.id("item-" + caraItem), "Opt-out taken by phone recorded.");
        Browser.settled(driver);
        assertFocusOn(caraItem, "status", "Opt-out taken by phone recorded.");
        assertThat(db.count("SELECT count(*) FROM opted_out_patient WHERE patient_id = ?", cara)).isEqualTo(1);
        // Tab goes on from the status line: the next stop is in the same item.
        keys.press(Keys.TAB);
        assertThat(focusInItem(caraItem)).as("Tab from the status line stays in the item").isTrue();

        // Then the opt-in, from there: focus on the new status line.
        tabToButtonOf(caraItem, "Opt-in taken by phone");
        keys.press(Keys.ENTER);
        Browser.waiting(driver).until(ExpectedConditions.alertIsPresent()).accept();
        Browser.waitForText(driver, By.id("item-" + caraItem), "Opt-in taken by phone recorded.");
        Browser.settled(driver);
        assertFocusOn(caraItem, "status", "Opt-in taken by phone recorded.");
        assertThat(db.count("SELECT count(*) FROM opted_out_patient WHERE patient_id = ?", cara)).isZero();

        // Another item: an outcome chosen, but a colleague marks it done first. Focus on the alert that says so.
        String other = (String) keys.js("return document.querySelector('[id^=item-]:not(#item-' + arguments[0] + ')').id.substring(5)",
                caraItem);
        keys.tabTo("outcome-" + other);
        keys.focused().sendKeys(Keys.ARROW_DOWN);
        client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + other + "/done", Map.of("outcome", "CALLED"))
                .bearerAuth(colleague));
        tabToSubmitOf(other);
        keys.press(Keys.ENTER);
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
        assertThat((Boolean) keys.js("return document.activeElement === document.body")).isTrue();
        WebElement counts = driver.findElement(By.id("counts"));
        Browser.waiting(driver).until(ExpectedConditions.stalenessOf(counts));
        Browser.settled(driver);
        assertThat((String) keys.js("return document.activeElement === document.body ? 'body' : document.activeElement.outerHTML"))
                .as("focus after the counts refreshed").isEqualTo("body");
    }

    /** Focus is on the item's line with this role and text (the answer's status or alert), inside the item. */
    private void assertFocusOn(String item, String role, String text) {
        String where = (String) keys.js("return document.activeElement.outerHTML");
        assertThat(keys.focused().getAttribute("role")).as("role of the focused element %s", where).isEqualTo(role);
        assertThat(keys.focused().getText()).as("text of the focused element").contains(text);
        assertThat(focusInItem(item)).as("focus inside #item-%s, not on %s", item, where).isTrue();
    }

    private boolean focusInItem(String item) {
        return Boolean.TRUE.equals(keys.js("return document.getElementById('item-' + arguments[0]).contains(document.activeElement)", item));
    }

    private void tabToButtonOf(String item, String text) {
        for (int i = 0; i < 40; i++) {
            if ("button".equals(keys.focused().getTagName()) && text.equals(keys.focused().getText()) && focusInItem(item)) {
                return;
            }
            keys.press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached the button " + text + " of item " + item);
    }

    private String firstItemId() {
        return (String) keys.js("var el = document.querySelector('[id^=item-]'); return el ? el.id.substring(5) : null");
    }

    private void tabToSubmitOf(String item) {
        for (int i = 0; i < 40; i++) {
            keys.press(Keys.TAB);
            WebElement f = keys.focused();
            if ("submit".equals(f.getAttribute("type"))
                    && Boolean.TRUE.equals(keys.js("return document.getElementById('item-' + arguments[0]).contains(document.activeElement)"
                    + " && document.activeElement.closest('form').querySelector('select[name=outcome]') !== null", item))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached the item's Done button");
    }
}
