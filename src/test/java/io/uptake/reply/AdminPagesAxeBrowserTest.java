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

/** An ADMIN's pages, each at 1280 and 390 px: no WCAG 2.2 A or AA violation and nothing scrolls sideways. */
@MicronautTest(transactional = false)
// The replies in setUp go through the webhook on a loaded machine: more than the client's default 10 s at times.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "60s")
class AdminPagesAxeBrowserTest extends AccessibilityFixture {
    @Test
    void anAdminsPagesPassAxeAtBothWidths() {
        String base = server.getURL().toString();
        List<String> problems = new ArrayList<>();
        Browser.login(driver, base, "admin", Api.ADMIN_PASSWORD);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("admin-home", "/ui");
        pages.put("admin-users", "/ui/users");
        pages.put("admin-audit", "/ui/audit");
        pages.put("admin-templates", "/ui/templates");
        pages.put("admin-campaigns", "/ui/campaigns");
        pages.put("admin-reports", "/ui/reports");
        pages.put("admin-approvals", "/ui/templates/approvals");
        pages.put("admin-inbox", "/ui/inbox?status=all");
        pages.put("admin-budgets", "/ui/budgets");
        pages.forEach((name, path) -> check(base + path, name, problems));

        assertThat(problems).as("WCAG 2.2 A/AA violations and sideways scrolling").isEmpty();
    }
}
