package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: patients held back as control by campaign A are not texted by campaign B of the same programme while
 * A's attribution window is open, and the cohort says why ({@code control-arm}). On the real path: the real cohort
 * SQL (the spec name keeps this package's test cohort out), templates and dispatcher.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = ControlArmLeakTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "ControlArmLeakTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
class ControlArmLeakTest {
    /** Monday 2 March 2026, 09:00 in London: inside the default window. */
    static final String MONDAY_0900_TEXT = "2026-03-02T09:00:00Z";

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
    TestClock clock;

    String ccc;
    List<Rows.Patient> men;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        clock.set(Instant.parse(MONDAY_0900_TEXT));
        men = rows.patients("North PCN", "N00001", 8);
        for (int i = 0; i < men.size(); i++) {
            // Higher-risk men aged 56 with no PSA test: all eight are eligible for psa-eligible.
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = 'en', mobile = ? WHERE id = ?""", "+447700900" + (600 + i), men.get(i).id());
        }
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSecondCampaignTextsNoneOfTheFirstsControlArmUntilItsWindowEnds() throws Exception {
        long a = launch("PSA A", 0.5);
        Set<Long> control = new HashSet<>();
        for (Rows.Patient p : men) {
            if (rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ? AND patient_id = ? AND arm = 'CONTROL'",
                    a, p.id()) == 1) {
                control.add(p.id());
            }
        }
        assertThat(control).hasSize(4);

        // Right after A's launch (nothing sent yet), B of the same programme.
        Map<String, Object> summary = client.toBlocking().retrieve(
                HttpRequest.GET("/api/cohorts/psa-eligible?asOf=2026-03-02").bearerAuth(ccc), Map.class);
        assertThat(((Map<String, Object>) summary.get("excluded")).get("control-arm")).isEqualTo(4);
        long b = launch("PSA B", 0.0);
        assertThat(rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ?", b)).isEqualTo(4);
        for (long id : control) {
            assertThat(rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ? AND patient_id = ?",
                    b, id)).isZero();
        }

        housekeeping.run();
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("control-arm-test") > 0; i++) {
            // keep going while there is due work
        }
        // Both campaigns sent their wave: B to A's texted arm only, so no control patient got any text.
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND sent_at IS NOT NULL", b))
                .isEqualTo(4);
        for (long id : control) {
            assertThat(rows.queryLong("SELECT count(*) FROM message WHERE patient_id = ?", id)).isZero();
        }

        // A's window: index date 2 March + 30 days, inclusive. On 1 April they are still held back; on 2 April
        // they are eligible again.
        clock.set(Instant.parse("2026-04-01T09:00:00Z"));
        Map<String, List<String>> onLastDay = reasons("2026-04-01");
        control.forEach(id -> assertThat(onLastDay.get(nhs(id))).contains("control-arm"));
        clock.set(Instant.parse("2026-04-02T09:00:00Z"));
        Map<String, List<String>> after = reasons("2026-04-02");
        control.forEach(id -> assertThat(after.get(nhs(id))).isEmpty());
    }

    String nhs(long id) {
        return men.stream().filter(p -> p.id() == id).findFirst().orElseThrow().nhsNumber();
    }

    @SuppressWarnings("unchecked")
    Map<String, List<String>> reasons(String asOf) {
        Map<String, Object> page = client.toBlocking().retrieve(
                HttpRequest.GET("/api/cohorts/psa-eligible/patients?size=100&asOf=" + asOf).bearerAuth(ccc), Map.class);
        Map<String, List<String>> out = new HashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) page.get("patients")) {
            out.put((String) m.get("nhsNumber"), (List<String>) m.get("exclusions"));
        }
        return out;
    }

    long launch(String name, double controlFraction) {
        Map<String, Object> request = new HashMap<>(Map.of("name", name, "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", controlFraction, "attributionDays", 30));
        HttpResponse<Map<String, Object>> created = client.toBlocking().exchange(
                HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        assertThat(created.code()).isEqualTo(201);
        return ((Number) created.body().get("id")).longValue();
    }
}
