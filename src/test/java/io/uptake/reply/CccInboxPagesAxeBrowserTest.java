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
 * A CCC's inbox (its list, search, an empty search and a patient's page), reports, approvals, the simulated phone
 * and the password page, each at 1280 and 390 px: no WCAG 2.2 A or AA violation and nothing scrolls sideways.
 */
@MicronautTest(transactional = false)
// The replies in setUp go through the webhook on a loaded machine: more than the client's default 10 s at times.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "60s")
class CccInboxPagesAxeBrowserTest extends AccessibilityFixture {
    @Test
    void aCccsInboxAndOtherPagesPassAxeAtBothWidths() {
        String base = server.getURL().toString();
        List<String> problems = new ArrayList<>();
        Browser.login(driver, base, "ccc.north", Api.USER_PASSWORD);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("ccc-reports", "/ui/reports");
        pages.put("ccc-inbox", "/ui/inbox");
        pages.put("ccc-inbox-search", "/ui/inbox?status=all&q=Testperson&practice=P84001&language=en");
        pages.put("ccc-inbox-empty", "/ui/inbox?q=nobody-at-all");
        pages.put("ccc-inbox-patient", "/ui/inbox/patients/" + cara);
        pages.put("ccc-approvals", "/ui/templates/approvals");
        pages.put("ccc-phone", "/ui/phone?number=" + java.net.URLEncoder.encode(northMobile, java.nio.charset.StandardCharsets.UTF_8));
        pages.put("ccc-password", "/ui/password");
        pages.forEach((name, path) -> check(base + path, name, problems));

        assertThat(problems).as("WCAG 2.2 A/AA violations and sideways scrolling").isEmpty();
    }
}
