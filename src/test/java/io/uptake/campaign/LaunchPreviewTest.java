package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * POST /api/campaigns/preview on the real cohort (the spec name keeps the campaign package's test cohort out): it
 * creates nothing, and its figures are what POST /api/campaigns then does with the same body, down to the segments
 * the dispatcher sends. Patients left out by name get no text and are recorded with the CCC's reason.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = LaunchPreviewTest.SATURDAY_TEXT)
@Property(name = "spec.name", value = "LaunchPreviewTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
class LaunchPreviewTest {
    /** Saturday 28 February 2026, 10:00 London: the default window (weekdays) first opens on Monday at 08:00. */
    static final String SATURDAY_TEXT = "2026-02-28T10:00:00Z";
    static final List<String> TABLES = List.of("campaign", "recipient", "message", "campaign_left_out", "audit_log");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;
    @Inject
    TestClock clock;

    String ccc;
    String lead;
    List<Rows.Patient> all;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(Instant.parse(SATURDAY_TEXT));
        all = new Rows(dataSource).patients("North PCN", "N00001", 12);
        Api api = new Api(client.toBlocking());
        ccc = api.user("ccc.north", "CCC", "North PCN");
        // Urdu is sent only once approved (issue 13); unapproved, its patients would get the English text.
        lead = api.user("lead.north", "LEAD", "North PCN");
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(lead), Map.class);
        // Ten higher-risk men aged 56 (Black, no PSA test): eligible for psa-eligible. Two more are not.
        for (int i = 0; i < all.size(); i++) {
            new Rows(dataSource).execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = ?, mobile = ? WHERE id = ?""", i % 3 == 0 ? "ur" : "en",
                    "+447700900" + (500 + i), all.get(i).id());
        }
        new Rows(dataSource).execute("UPDATE patient SET sex = 'F' WHERE id = ?", all.get(10).id());
        new Rows(dataSource).execute("UPDATE patient SET date_of_birth = DATE '1950-01-01' WHERE id = ?", all.get(11).id());
    }

    /**
     * H-008: the review says, for each language sent, what approval it goes under, and names each language whose
     * patients get English instead, with the count and why; approving a language changes the review's token, so the
     * page's confirm asks the CCC to check again.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theReviewShowsEachLanguagesApprovalAndWhoGetsEnglishInstead() {
        Rows rows = new Rows(dataSource);
        // Two Bengali readers (a draft translation) and one Somali reader (no texts at all) join the Urdu readers.
        rows.execute("UPDATE patient SET language = 'bn' WHERE id IN (?, ?)", all.get(1).id(), all.get(2).id());
        rows.execute("UPDATE patient SET language = 'so' WHERE id = ?", all.get(4).id());
        Map<String, Object> body = Map.of("name", "PSA", "programme", "psa-eligible");
        Map<String, Object> review = preview(body);

        List<Map<String, Object>> languages = (List<Map<String, Object>>) review.get("languages");
        assertThat(languages).extracting(l -> l.get("code")).containsExactly("en", "ur");
        assertThat(languages.get(0)).containsEntry("approval", "source").containsEntry("approvedBy", null);
        assertThat(languages.get(1)).containsEntry("approval", "approved").containsEntry("approvedBy", "lead.north")
                .containsEntry("ownTexts", false);
        assertThat(languages.get(1).get("approvedAt")).isNotNull();
        List<Map<String, Object>> english = (List<Map<String, Object>>) review.get("notApproved");
        assertThat(english).containsExactly(
                Map.of("code", "bn", "name", "Bengali", "state", "draft", "patients", 2),
                Map.of("code", "so", "name", "Somali", "state", "none", "patients", 1));
        // The English they get is counted with English: 10 eligible, 4 in Urdu (ids 0, 3, 6, 9), 6 in English.
        assertThat(languages.get(0).get("recipients")).isEqualTo(6);

        String token = (String) review.get("token");
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/bn/approve", "").bearerAuth(lead), Map.class);
        Map<String, Object> again = preview(body);
        assertThat((List<Map<String, Object>>) again.get("notApproved")).extracting(l -> l.get("code")).containsExactly("so");
        assertThat((List<Map<String, Object>>) again.get("languages")).extracting(l -> l.get("code"))
                .containsExactly("bn", "en", "ur");
        assertThat(again.get("token")).isNotEqualTo(token);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePreviewCreatesNothingAndItsFiguresAreWhatTheLaunchDoes() {
        Map<String, Object> body = new HashMap<>(Map.of("name", "PSA conversation", "programme", "psa-eligible",
                "controlFraction", 0.2, "reminders", List.of(Map.of("afterDays", 14), Map.of("afterDays", 28)),
                "leaveOut", List.of(Map.of("nhsNumber", all.get(3).nhsNumber(), "reason", "Moved away last week"))));
        Map<String, Long> before = rows();
        Map<String, Object> review = preview(body);
        assertThat(rows()).isEqualTo(before);

        Map<String, Object> cohort = (Map<String, Object>) review.get("cohort");
        assertThat(cohort.get("candidates")).isEqualTo(10); // the woman and the older man are not candidates
        assertThat(cohort.get("eligible")).isEqualTo(10);
        assertThat(cohort.get("recipients")).isEqualTo(9);
        assertThat((List<Map<String, Object>>) cohort.get("exclusions"))
                .contains(Map.of("reason", "left-out-by-ccc", "label", "Left out by a CCC before launch", "patients", 1));
        Map<String, Object> arms = (Map<String, Object>) review.get("arms");
        assertThat(arms.get("control")).isEqualTo(2); // round(9 x 0.2)
        assertThat(arms.get("texted")).isEqualTo(7);
        List<Map<String, Object>> waves = (List<Map<String, Object>>) review.get("waves");
        assertThat(waves).extracting(w -> w.get("startsAt"))
                .containsExactly("2026-03-02T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-30T07:00:00Z");
        assertThat((List<Map<String, Object>>) review.get("languages")).extracting(l -> l.get("code"))
                .containsExactly("en", "ur");
        assertThat((List<Map<String, Object>>) review.get("leftOut")).singleElement()
                .satisfies(l -> assertThat(l.get("reason")).isEqualTo("Moved away last week"));
        Map<String, Object> cost = (Map<String, Object>) review.get("cost");
        assertThat(cost.get("texts")).isEqualTo(21); // 7 texted x 3 waves
        assertThat(cost.get("exact")).isEqualTo(false);

        long id = launch(body);
        assertThat(count("SELECT count(*) FROM recipient WHERE campaign_id = ?", id)).isEqualTo(9);
        assertThat(count("SELECT count(*) FROM recipient WHERE campaign_id = ? AND arm = 'CONTROL'", id)).isEqualTo(2);
        for (Map<String, Object> w : waves) {
            int wave = ((Number) w.get("wave")).intValue();
            assertThat(count("SELECT count(*) FROM message WHERE campaign_id = ? AND wave = ?", id, wave))
                    .isEqualTo(((Number) w.get("texts")).longValue());
            assertThat(count("""
                    SELECT count(*) FROM message WHERE campaign_id = ? AND wave = ?
                    AND due_at = CAST(? AS TIMESTAMPTZ)""", id, wave, w.get("startsAt"))).isEqualTo(7);
        }
        // The patient left out has no recipient row and no text; the reason is recorded and audited.
        assertThat(count("SELECT count(*) FROM message WHERE campaign_id = ? AND patient_id = ?", id, all.get(3).id())).isZero();
        assertThat(count("SELECT count(*) FROM recipient WHERE campaign_id = ? AND patient_id = ?", id, all.get(3).id())).isZero();
        assertThat(count("""
                SELECT count(*) FROM campaign_left_out WHERE campaign_id = ? AND patient_id = ?
                AND reason = 'Moved away last week' AND left_out_by = 'ccc.north'""", id, all.get(3).id())).isEqualTo(1);
        assertThat(count("""
                SELECT count(*) FROM audit_log WHERE action = 'CAMPAIGN_LEAVE_OUT' AND target = ?
                AND detail LIKE '%Moved away last week'""", "campaign:" + id)).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutAControlArmTheCostIsExactlyWhatTheDispatcherSends() throws Exception {
        clock.set(Instant.parse("2026-03-02T09:00:00Z")); // Monday, inside the window: wave 1 is due now
        Map<String, Object> body = Map.of("name", "PSA now", "programme", "psa-eligible");
        Map<String, Object> review = preview(body);
        Map<String, Object> cost = (Map<String, Object>) review.get("cost");
        assertThat(cost.get("exact")).isEqualTo(true);
        assertThat(cost.get("texts")).isEqualTo(10);
        long id = launch(body);
        housekeeping.run();
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("preview-test") > 0; i++) {
            // keep going while there is due work
        }
        assertThat(count("SELECT count(*) FROM message WHERE campaign_id = ? AND segments IS NOT NULL", id)).isEqualTo(10);
        assertThat(count("SELECT sum(segments) FROM message WHERE campaign_id = ?", id))
                .isEqualTo(((Number) cost.get("segments")).longValue());
        List<Map<String, Object>> byLanguage = (List<Map<String, Object>>) cost.get("byLanguage");
        for (Map<String, Object> line : byLanguage) {
            assertThat(count("SELECT sum(segments) FROM message WHERE campaign_id = ? AND language = ?", id, line.get("language")))
                    .isEqualTo(((Number) line.get("segments")).longValue());
        }
    }

    @Test
    void thePreviewSaysTheDayTheLastTextGoesAtTheDailyCap() {
        // Ten texted; the invitation on Monday 2 March, the reminder on Monday 16 March.
        Map<String, Object> body = new HashMap<>(Map.of("name", "PSA paced", "programme", "psa-eligible",
                "reminders", List.of(Map.of("afterDays", 14))));
        assertThat(preview(body).get("lastTextOn")).isEqualTo("2026-03-16");
        assertThat(preview(body).get("dailyCap")).isNull();
        body.put("dailyCap", 4);
        Map<String, Object> capped = preview(body);
        assertThat(capped.get("dailyCap")).isEqualTo(4);
        assertThat(capped.get("lastTextOn")).isEqualTo("2026-03-18"); // 16 March 4, 17 March 4, 18 March 2
        body.put("reminders", List.of());
        assertThat(preview(body).get("lastTextOn")).isEqualTo("2026-03-04"); // Monday 4, Tuesday 4, Wednesday 2
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePreviewWarnsOfAPatientListOrEventsImportOlderThanTheSettingOrMissing() {
        Map<String, Object> body = Map.of("name", "PSA", "programme", "psa-eligible");
        // Nothing imported yet (the patients were written as rows): both are missing.
        assertThat((List<Map<String, Object>>) preview(body).get("staleImports"))
                .extracting(s -> s.get("kind") + "/" + s.get("importedAt") + "/" + s.get("days") + "/" + s.get("staleAfterDays"))
                .containsExactly("patients/null/-1/14", "events/null/-1/14");
        long pcn = count("SELECT id FROM pcn WHERE name = 'North PCN'");
        Instant now = clock.instant();
        importedAt(pcn, "patients", now.minus(java.time.Duration.ofDays(15))); // 13 February 2026, 10:00
        importedAt(pcn, "events", now.minus(java.time.Duration.ofDays(14))); // exactly at the setting: not stale
        Map<String, Object> review = preview(body);
        assertThat((List<Map<String, Object>>) review.get("staleImports")).singleElement().satisfies(s -> {
            assertThat(s.get("kind")).isEqualTo("patients");
            assertThat(s.get("label")).isEqualTo("patient list");
            assertThat(s.get("importedAt")).isEqualTo("2026-02-13T10:00:00Z");
            assertThat(s.get("days")).isEqualTo(15);
        });
        // A fresh patient import between the check and the launch changes the token: the CCC checks again.
        importedAt(pcn, "patients", now.minus(java.time.Duration.ofHours(1)));
        Map<String, Object> fresh = preview(body);
        assertThat((List<Object>) fresh.get("staleImports")).isEmpty();
        assertThat(fresh.get("token")).isNotEqualTo(review.get("token"));
        // It is a warning: a launch on stale data goes ahead.
        importedAt(pcn, "events", now.minus(java.time.Duration.ofDays(40)));
        assertThat(launch(body)).isPositive();
    }

    private void importedAt(long pcn, String kind, Instant at) {
        new Rows(dataSource).execute("""
                INSERT INTO import_run (kind, username, pcn_id, at, charset, bytes) VALUES (?, 'ccc.north', ?, ?, 'UTF-8', 10)""",
                kind, pcn, java.sql.Timestamp.from(at));
    }

    @Test
    void leavingOutSomeoneNotInTheCohortIsRefusedByPreviewAndLaunchAndCreatesNothing() {
        Map<String, Object> body = Map.of("name", "PSA", "programme", "psa-eligible",
                "leaveOut", List.of(Map.of("nhsNumber", all.get(10).nhsNumber(), "reason", "not eligible anyway")));
        Map<String, Long> before = rows();
        for (String path : List.of("/api/campaigns/preview", "/api/campaigns")) {
            assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST(path, body).bearerAuth(ccc), Map.class))
                    .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(400);
                        assertThat(e.getResponse().getBody(String.class).orElse(""))
                                .contains("leaveOut[0].nhsNumber").contains("is not an eligible patient of this cohort");
                    });
        }
        Map<String, Object> noReason = Map.of("name", "PSA", "programme", "psa-eligible",
                "leaveOut", List.of(Map.of("nhsNumber", all.get(0).nhsNumber(), "reason", " ")));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/preview", noReason)
                .bearerAuth(ccc), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e ->
                        assertThat(e.getResponse().getBody(String.class).orElse("")).contains("say why this patient is left out"));
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aLeadCannotPreviewALaunch() {
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/preview",
                Map.of("name", "x", "programme", "psa-eligible")).bearerAuth(lead), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> preview(Map<String, Object> body) {
        try {
            HttpResponse<Map<String, Object>> r = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/preview", body).bearerAuth(ccc), Json.OBJECT);
            assertThat(r.code()).isEqualTo(200);
            return r.body();
        } catch (HttpClientResponseException e) {
            throw new AssertionError("Preview refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
    }

    private long launch(Map<String, Object> body) {
        try {
            HttpResponse<Map<String, Object>> r = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", body).bearerAuth(ccc), Json.OBJECT);
            assertThat(r.code()).isEqualTo(201);
            return ((Number) r.body().get("id")).longValue();
        } catch (HttpClientResponseException e) {
            throw new AssertionError("Launch refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
    }

    private Map<String, Long> rows() {
        Map<String, Long> out = new HashMap<>();
        for (String t : TABLES) {
            out.put(t, count("SELECT count(*) FROM " + t));
        }
        return out;
    }

    private long count(String sql, Object... params) {
        return new Rows(dataSource).queryLong(sql, params);
    }
}
