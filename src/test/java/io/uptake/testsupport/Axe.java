package io.uptake.testsupport;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;


/**
 * axe-core (from npm, installed by the build's {@code npm ci}; docs/adr/0021) run in the page a test has open.
 * The script goes in through WebDriver, which the page's CSP does not govern, so the page needs no change for it.
 */
public final class Axe {
    /** WCAG 2.0, 2.1 and 2.2, levels A and AA: what the issue (and the NHS service standard) asks every page to meet. */
    public static final List<String> WCAG_22_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");
    private static final Path SOURCE = Path.of("node_modules", "axe-core", "axe.min.js");
    private static String script;

    private Axe() {
    }

    private static synchronized String source() {
        if (script == null) {
            if (!Files.isReadable(SOURCE)) {
                throw new IllegalStateException(SOURCE.toAbsolutePath() + " is missing: the build's `npm ci`"
                        + " (generate-resources) installs it; run the tests through Maven.");
            }
            try {
                script = Files.readString(SOURCE);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return script;
    }

    /**
     * The WCAG 2.2 A and AA violations on the page as it is now, one line each (rule, impact, the elements'
     * selectors and the first failure summary), for an assertion message; empty when there are none.
     */
    @SuppressWarnings("unchecked")
    public static List<String> violations(WebDriver driver) {
        Browser.settled(driver);
        JavascriptExecutor js = (JavascriptExecutor) driver;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe !== 'undefined'"))) {
            js.executeScript(source());
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object answer = js.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
                  .then(function (r) {
                    done(r.violations.map(function (v) {
                      return v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(function (n) {
                        return n.target.join(' ') + (n.failureSummary ? ' [' + n.failureSummary.replace(/\\s+/g, ' ') + ']' : '');
                      }).slice(0, 5).join('; ');
                    }));
                  })
                  .catch(function (e) { done(['axe failed: ' + e]); });
                """, WCAG_22_AA);
        return (List<String>) answer;
    }

    /** How far the page is wider than the window (0 when nothing scrolls sideways). */
    public static long sidewaysOverflow(WebDriver driver) {
        Object px = ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        return ((Number) px).longValue();
    }

}
