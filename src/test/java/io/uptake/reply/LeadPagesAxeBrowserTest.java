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
 * A lead's pages, each at 1280 and 390 px: no WCAG 2.2 A or AA violation and nothing scrolls sideways (the inbox
 * is the page that refuses a lead).
 */
@MicronautTest(transactional = false)
// The replies in setUp go through the webhook on a loaded machine: more than the client's default 10 s at times.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "60s")
class LeadPagesAxeBrowserTest extends AccessibilityFixture {
    @Test
    void aLeadsPagesPassAxeAtBothWidths() {
        String base = server.getURL().toString();
        long campaign = fixtures.northCampaign();
        List<String> problems = new ArrayList<>();
        Browser.login(driver, base, "lead.north", Api.USER_PASSWORD);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("lead-home", "/ui");
        pages.put("lead-templates", "/ui/templates");
        pages.put("lead-campaigns", "/ui/campaigns");
        pages.put("lead-campaign", "/ui/campaigns/" + campaign);
        pages.put("lead-report", "/ui/campaigns/" + campaign + "/report");
        pages.put("lead-gp-codes", "/ui/campaigns/" + campaign + "/gp-codes");
        pages.put("lead-reports", "/ui/reports");
        pages.put("lead-audit", "/ui/audit");
        pages.put("lead-refused", "/ui/inbox");
        pages.put("lead-approvals", "/ui/templates/approvals");
        pages.put("lead-approve-urdu", "/ui/templates/approvals/psa-eligible/ur");
        pages.forEach((name, path) -> check(base + path, name, problems));

        assertThat(problems).as("WCAG 2.2 A/AA violations and sideways scrolling").isEmpty();
    }
}
