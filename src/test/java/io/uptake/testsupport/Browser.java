package io.uptake.testsupport;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Headless Debian Chromium driven by Selenium. Fails loudly (never skips) when the browser is
 * missing: `.ci/run` installs it, and a developer runs `apt-get install chromium chromium-driver`.
 */
public final class Browser {
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String CHROMIUM = "/usr/bin/chromium";

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
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
        return driver;
    }

    /**
     * Logs in through the login page and waits until the signed-in page shows the user: without the
     * wait a following {@code driver.get} can race the login redirect and land on the home page.
     */
    public static void login(WebDriver driver, String baseUrl, String username, String password) {
        driver.get(baseUrl + "/ui/login");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("login")).click();
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("span.who"), username));
    }

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
