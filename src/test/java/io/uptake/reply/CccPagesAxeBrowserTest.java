package io.uptake.reply;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login page, a patient's expired booking link, and a CCC's pages for importing, cohorts, templates and
 * campaigns (with the launch's check-your-answers page), each at 1280 and 390 px: no WCAG 2.2 A or AA violation
 * and nothing scrolls sideways. The rest of a CCC's pages are in {@link CccInboxPagesAxeBrowserTest}.
 */
@MicronautTest(transactional = false)
// The replies in setUp go through the webhook on a loaded machine: more than the client's default 10 s at times.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "60s")
class CccPagesAxeBrowserTest extends AccessibilityFixture {
    @Test
    void aCccsCampaignPagesPassAxeAtBothWidths() {
        String base = server.getURL().toString();
        long campaign = fixtures.northCampaign();
        List<String> problems = new ArrayList<>();
        check(base + "/ui/login", "login", problems);
        // The page a patient sees for a booking link that is unknown or expired.
        check(base + "/b/AAAAAAAAAAAAAAAA", "patient-booking-link-missing", problems);

        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("ccc-home", "/ui");
        pages.put("ccc-imports", "/ui/imports");
        pages.put("ccc-patients", "/ui/patients");
        pages.put("ccc-cohorts", "/ui/cohorts");
        pages.put("ccc-templates", "/ui/templates");
        pages.put("ccc-own-texts", "/ui/templates/own?programme=fit-non-returners&language=ur&message=initial");
        pages.put("ccc-campaigns", "/ui/campaigns");
        pages.put("ccc-campaign", "/ui/campaigns/" + campaign);
        pages.put("ccc-report", "/ui/campaigns/" + campaign + "/report");
        pages.put("ccc-gp-codes", "/ui/campaigns/" + campaign + "/gp-codes");
        pages.forEach((name, path) -> check(base + path, name, problems));
        checkReview(base, problems);

        assertThat(problems).as("WCAG 2.2 A/AA violations and sideways scrolling").isEmpty();
    }
}
