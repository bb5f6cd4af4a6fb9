package io.uptake.testsupport;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Headless Debian Chromium driven by Selenium. Fails loudly (never skips) when the browser is
 * missing: `.ci/run` installs it, and a developer runs `apt-get install chromium chromium-driver`.
 *
 * <p>There is no implicit wait: a test reads an element only once the state it asserts is there, through
 * the waiting methods below ({@link #clickAndWaitForPage}, {@link #clickAndWaitForSwap},
 * {@link #waitForText}, {@link #settled}). An implicit wait only hides the race (a read straight after a
 * click finds the old page's element, which the navigation or the htmx swap then makes stale), and mixing it
 * with explicit waits makes their time-outs unpredictable (Selenium's own advice).
 */
public final class Browser {
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String CHROMIUM = "/usr/bin/chromium";
    /** Long enough for a loaded 2-core CI machine; a wait that passes returns as soon as its condition holds. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * The page has loaded (its deferred htmx has run by then) and nothing of htmx's is in flight: no request, no
     * swap, no settle (htmx puts these classes on the elements while it works).
     */
    private static final String HTMX_IDLE = "return document.readyState === 'complete'"
            + " && document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added') === null";

    private Browser() {
    }

    public static WebDriver open() {
        if (!new File(CHROMEDRIVER).canExecute() || !new File(CHROMIUM).canExecute()) {
            throw new IllegalStateException("Browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): run `apt-get install -y chromium chromium-driver`"
                    + " (.ci/run does this).");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        try {
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                    "--disable-dev-shm-usage", "--window-size=1280,1000",
                    "--user-data-dir=" + Files.createTempDirectory("uptake-chromium"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        driver.manage().timeouts().pageLoadTimeout(PATIENCE);
        return driver;
    }

    /** A wait that looks elements up afresh when an htmx swap made the one it had stale. */
    public static WebDriverWait waiting(WebDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, PATIENCE);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Logs in through the login page and waits until the signed-in page shows the user: without the
     * wait a following {@code driver.get} can race the login redirect and land on the home page.
     */
    public static void login(WebDriver driver, String baseUrl, String username, String password) {
        driver.get(baseUrl + "/ui/login");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        clickAndWaitForPage(driver, By.id("login"));
        waitForText(driver, By.cssSelector("span.who"), username);
    }

    /**
     * Clicks what loads a new page (a plain form's submit, a link, an htmx {@code HX-Redirect}) and returns once
     * that page has loaded and its own htmx requests (hx-trigger="load") have settled. A mark left in the old
     * page's window is what tells the pages apart: until it is gone a read would find the old page. (Not the old
     * root element's staleness: while the old document is torn down chromedriver may answer a look at it with
     * "Node with given id does not belong to the document" instead of a stale element, seen once in 7 runs.)
     */
    public static void clickAndWaitForPage(WebDriver driver, By clickable) {
        String mark = UUID.randomUUID().toString();
        ((JavascriptExecutor) driver).executeScript("window.uptakeTestPage = arguments[0]", mark);
        driver.findElement(clickable).click();
        waiting(driver).until(d -> {
            Object onPage = script(d, "return window.uptakeTestPage || null");
            return onPage != NAVIGATING && !mark.equals(onPage);
        });
        settled(driver);
    }

    /**
     * Clicks an htmx control and returns {@code shows}, an element of the content its response swaps in, once
     * the swap has settled. When {@code shows} was already on the page (a second submit), its old copy must go
     * stale first, so the copy returned is the new one.
     */
    public static WebElement clickAndWaitForSwap(WebDriver driver, By clickable, By shows) {
        List<WebElement> before = driver.findElements(shows);
        driver.findElement(clickable).click();
        if (!before.isEmpty()) {
            waiting(driver).until(ExpectedConditions.stalenessOf(before.get(0)));
        }
        waiting(driver).until(ExpectedConditions.presenceOfElementLocated(shows));
        settled(driver);
        return driver.findElement(shows);
    }

    /** Waits until the element holds {@code text} (looked up afresh, so a swap in between is harmless) and returns it. */
    public static WebElement waitForText(WebDriver driver, By locator, String text) {
        waiting(driver).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        return driver.findElement(locator);
    }

    /** Waits until the page has loaded and no htmx request, swap or settle is under way. */
    public static void settled(WebDriver driver) {
        waiting(driver).until(d -> Boolean.TRUE.equals(script(d, HTMX_IDLE)));
    }

    /**
     * A script's answer, or a value no condition accepts while a navigation is under way: then there is no document
     * to run it in (chromedriver: "no such execution context", "execution context was destroyed"), and the wait asks
     * again. Any other failure is the test's and is thrown.
     */
    private static Object script(WebDriver driver, String script) {
        try {
            return ((JavascriptExecutor) driver).executeScript(script);
        } catch (WebDriverException e) {
            String message = String.valueOf(e.getMessage());
            if (e instanceof JavascriptException || message.contains("execution context")
                    || message.contains("does not belong to the document")) {
                return NAVIGATING;
            }
            throw e;
        }
    }

    private static final Object NAVIGATING = new Object();

    public static Path screenshot(WebDriver driver, String name) {
        try {
            byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
            Path out = Path.of("target", "screenshots", name + ".png");
            Files.createDirectories(out.getParent());
            Files.write(out, png);
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
