package io.uptake.testsupport;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting methods of {@link Browser} against answers that are slow on purpose: the swap and the next page
 * come a second after the click, so a read straight after the click finds the old element (the race behind
 * issue 16's StaleElementReferenceException). The swap test fails when {@code clickAndWaitForSwap} only clicks
 * (tried). chromedriver itself waits for a navigation that starts within the click, so the page test passes
 * even without the wait; the helper's wait is for one that starts later (a form submitted by script, an htmx
 * {@code HX-Redirect}).
 */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "BrowserWaitsTest")
@Property(name = "micronaut.server.port", value = "-1")
class BrowserWaitsTest {
    static final long SLOW_MS = 1000;

    @Inject
    EmbeddedServer server;
    WebDriver driver;

    @BeforeEach
    void open() {
        driver = Browser.open();
        driver.get(server.getURL() + "/test/waits");
        Browser.settled(driver);
    }

    @AfterEach
    void close() {
        driver.quit();
    }

    @Test
    void clickAndWaitForSwapReturnsTheSwappedInElement() {
        assertThat(driver.findElement(By.id("eligible")).getText()).isEqualTo("old");
        assertThat(Browser.clickAndWaitForSwap(driver, By.id("swap"), By.id("eligible")).getText()).isEqualTo("new");
        // Settled as well: htmx has taken its classes off the new content.
        assertThat(driver.findElement(By.id("box")).getAttribute("class")).isEqualTo("box");
    }

    @Test
    void clickAndWaitForPageReadsNothingFromThePageItLeaves() {
        Browser.clickAndWaitForPage(driver, By.id("go"));
        assertThat(driver.findElement(By.id("eligible")).getText()).isEqualTo("next page");
    }

    @Test
    void waitForTextWaitsForTheSwap() {
        driver.findElement(By.id("swap")).click();
        assertThat(Browser.waitForText(driver, By.id("eligible"), "new").getText()).isEqualTo("new");
    }

    @Controller("/test/waits")
    @Requires(property = "spec.name", value = "BrowserWaitsTest")
    @Secured(SecurityRule.IS_ANONYMOUS)
    @ExecuteOn(TaskExecutors.BLOCKING)
    static class SlowPages {
        @Get
        @Produces(MediaType.TEXT_HTML)
        String page() {
            return """
                    <!DOCTYPE html><html lang="en"><head><title>waits</title>
                    <script src="/webjars/htmx.org/1.9.12/dist/htmx.min.js" defer></script></head><body>
                    <div id="box" class="box"><strong id="eligible">old</strong></div>
                    <button id="swap" hx-get="/test/waits/swap" hx-target="#box" hx-swap="outerHTML">Swap</button>
                    <form method="get" action="/test/waits/next"><button id="go" type="submit">Go</button></form>
                    </body></html>""";
        }

        @Get("/swap")
        @Produces(MediaType.TEXT_HTML)
        String swap() throws InterruptedException {
            Thread.sleep(SLOW_MS);
            return "<div id=\"box\" class=\"box\"><strong id=\"eligible\">new</strong></div>";
        }

        @Get("/next")
        @Produces(MediaType.TEXT_HTML)
        String next() throws InterruptedException {
            Thread.sleep(SLOW_MS);
            return "<!DOCTYPE html><html lang=\"en\"><head><title>next</title></head><body>"
                    + "<strong id=\"eligible\">next page</strong></body></html>";
        }
    }
}
