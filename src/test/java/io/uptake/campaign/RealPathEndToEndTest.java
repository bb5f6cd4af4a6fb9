package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.template.MessageTemplates;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A campaign on the real path: the real cohort SQL picks the recipients (no test cohort), the real templates
 * render the texts, the real dispatcher sends them through the simulated channel, and the simulated channel's
 * signed status callbacks come back through the webhook. The spec name does not start with "Campaign", so the
 * test doubles in this package (which require that) stay out. The clock is fixed inside the send window; the
 * test runs what the Quartz job and dispatcher loops call, then waits (with a deadline) for the callbacks.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = RealPathEndToEndTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "RealPathEndToEndTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
@Property(name = "uptake.sms.simulated.callback-delay", value = "50ms")
class RealPathEndToEndTest {
    /** Monday 2 March 2026, 09:00 in London: inside the default window. */
    static final String MONDAY_0900_TEXT = "2026-03-02T09:00:00Z";
    static final Instant MONDAY_0900 = Instant.parse(MONDAY_0900_TEXT);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    Rows rows;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;
    @Inject
    MessageTemplates templates;

    String ccc;
    List<Rows.Patient> all;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        all = rows.patients("North PCN", "N00001", 12);
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    @SuppressWarnings("unchecked")
    void psaCampaignThroughRealCohortTemplatesDispatcherAndSimulatedCallbacks() throws Exception {
        String otherLanguage = templates.completeLanguages("psa-eligible").stream().filter(l -> !l.equals("en"))
                .findFirst().orElseThrow();
        // Eight higher-risk men aged 56 (Black, no PSA test), half of them in another language.
        List<Rows.Patient> eligible = all.subList(0, 8);
        Map<String, String> languageByMobile = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            Rows.Patient p = all.get(i);
            String lang = i % 2 == 0 ? "en" : otherLanguage;
            // Mobiles away from the drama numbers ending 001-003, which would script failures.
            String mobile = "+447700900" + (500 + i);
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = ?, mobile = ? WHERE id = ?""", lang, mobile, p.id());
            languageByMobile.put(mobile, lang);
        }
        rows.execute("UPDATE patient SET ethnicity_group = 'WHITE' WHERE id = ?", all.get(8).id());
        rows.execute("UPDATE patient SET sex = 'F' WHERE id = ?", all.get(9).id());
        rows.execute("UPDATE patient SET date_of_birth = DATE '1950-01-01' WHERE id = ?", all.get(10).id());
        rows.event(all.get(11).id(), "PSA_TEST", LocalDate.parse("2025-10-01"), MONDAY_0900.minusSeconds(86_400));

        // A translation is sent only once approved (issue 13): an ADMIN approves the shipped one for every PCN.
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/" + otherLanguage + "/approve", "")
                .bearerAuth(new Api(client.toBlocking()).adminToken()), Map.class);
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA conversation", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", 0.25, "reminders", List.of(Map.of("afterDays", 14))));
        HttpResponse<Map<String, Object>> created;
        try {
            created = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
            throw new AssertionError("Launch refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
        assertThat(created.code()).isEqualTo(201);
        long id = ((Number) created.body().get("id")).longValue();
        Map<String, Object> counts = (Map<String, Object>) created.body().get("counts");
        assertThat(counts.get("recipients")).isEqualTo(eligible.size());
        assertThat(counts.get("control")).isEqualTo(2);

        housekeeping.run();
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("real-path-test") > 0; i++) {
            // keep going while there is due work
        }

        List<Map<String, Object>> wave1 = await("wave 1 all DELIVERED").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> messages(id).stream().filter(m -> ((Number) m.get("wave")).intValue() == 1).toList(),
                        w -> w.size() == 6 && w.stream().allMatch(m -> "DELIVERED".equals(m.get("status"))));
        Set<String> texted = new HashSet<>();
        for (Map<String, Object> m : wave1) {
            String to = (String) m.get("to");
            texted.add(to);
            String lang = languageByMobile.get(to);
            assertThat(m.get("language")).isEqualTo(lang);
            assertThat((String) m.get("body")).isNotBlank();
            assertThat(((Number) m.get("segments")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(m.get("sentAt")).isNotNull();
            // Texts in the other language really are in it: not the English text.
            assertThat((String) m.get("body")).contains("Test");
        }
        assertThat(texted).hasSize(6);
        // Same given name and practice for everyone, so the bodies differ exactly by language: one text per language.
        Map<Object, Set<Object>> bodiesByLanguage = new HashMap<>();
        wave1.forEach(m -> bodiesByLanguage.computeIfAbsent(m.get("language"), l -> new HashSet<>()).add(m.get("body")));
        assertThat(bodiesByLanguage.values()).allSatisfy(b -> assertThat(b).hasSize(1));
        if (bodiesByLanguage.size() == 2) {
            assertThat(bodiesByLanguage.get("en")).doesNotContainAnyElementsOf(bodiesByLanguage.get(otherLanguage));
        }
        // The control arm is never texted: no message row for a control patient has been sent.
        assertThat(rows.queryLong("""
                SELECT count(*) FROM recipient r JOIN message m ON m.campaign_id = r.campaign_id AND m.patient_id = r.patient_id
                WHERE r.campaign_id = ? AND r.arm = 'CONTROL'""", id)).isZero();
        Map<String, Object> after = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id).bearerAuth(ccc), Map.class);
        assertThat(((Map<String, Object>) after.get("counts")).get("delivered")).isEqualTo(6);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(long id) {
        Map<?, ?> page = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id + "/messages?size=1000").bearerAuth(ccc), Map.class);
        return (List<Map<String, Object>>) page.get("messages");
    }
}
