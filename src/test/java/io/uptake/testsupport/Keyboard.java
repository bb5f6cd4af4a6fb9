package io.uptake.testsupport;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.util.UUID;
import java.util.function.Predicate;

/**
 * A keyboard-only user of a page: Tab until focus reaches something, press a key, ask where focus is. Shared by the
 * keyboard tests (launch, inbox, cohort), which each had a copy. A press goes to whatever has focus, as a person's
 * would; nothing here clicks.
 */
public final class Keyboard {
    private static final int MAX_TABS = 200;
    private final WebDriver driver;

    public Keyboard(WebDriver driver) {
        this.driver = driver;
    }

    public void press(CharSequence key) {
        new Actions(driver).sendKeys(key).perform();
    }

    public WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Tab until the element with this id has focus. */
    public void tabTo(String id) {
        tabUntil(f -> id.equals(f.getAttribute("id")), "#" + id);
    }

    /** Tab until a link with exactly this text has focus. */
    public void tabToLink(String text) {
        tabUntil(f -> "a".equals(f.getTagName()) && text.equals(f.getText()), "the link " + text);
    }

    /** Tab (starting from where focus is) until the focused element passes {@code test}. */
    public void tabUntil(Predicate<WebElement> test, String what) {
        for (int i = 0; i < MAX_TABS; i++) {
            if (test.test(focused())) {
                return;
            }
            press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached " + what + "; last focus on " + focused().getAttribute("outerHTML"));
    }

    /** Focus is on, or inside, an element matching this CSS selector. */
    public boolean focusIn(String selector) {
        return Boolean.TRUE.equals(js("return document.activeElement.closest(arguments[0]) !== null", selector));
    }

    public String focusedHtml() {
        return (String) js("return document.activeElement === document.body ? 'body'"
                + " : document.activeElement.outerHTML.substring(0, 300)");
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Marks the page in the browser's memory, so that {@link #waitForNewPage} can tell when it was replaced. */
    public String markPage() {
        String mark = UUID.randomUUID().toString();
        js("window.uptakeTestPage = arguments[0]", mark);
        return mark;
    }

    /** Waits until the page marked by {@link #markPage} has been replaced by a new one, and that one has settled. */
    public void waitForNewPage(String mark) {
        Browser.waiting(driver).until(d -> {
            try {
                return !mark.equals(((JavascriptExecutor) d).executeScript("return window.uptakeTestPage || null"));
            } catch (WebDriverException e) {
                return false; // between pages
            }
        });
        Browser.settled(driver);
    }
}
