package io.uptake.budget;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.campaign.CampaignHousekeeping;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A PCN's monthly budget (issue 15) on the real cohort and engine: only an ADMIN sets it and a budget below zero is
 * refused naming the field; a launch whose estimate is more than is left this month is refused with the figures; a
 * campaign that reaches the budget while sending is paused with the reason on its page; spend by month and campaign
 * comes from the texts' segments at the one price.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = BudgetTest.MONDAY_0900_TEXT)
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "spec.name", value = "BudgetTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
class BudgetTest {
    /** Monday 2 March 2026, 09:00 in London: inside the default window. */
    static final String MONDAY_0900_TEXT = "2026-03-02T09:00:00Z";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    io.uptake.campaign.CampaignEngineForTests engine;
    @Inject
    TestClock clock;
    Rows rows;
    String ccc;
    String admin;
    long pcn;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(Instant.parse(MONDAY_0900_TEXT));
        rows = new Rows(dataSource);
        List<Rows.Patient> all = rows.patients("North PCN", "N00001", 10);
        pcn = rows.pcnNamed("North PCN");
        Api api = new Api(client.toBlocking());
        ccc = api.user("ccc.north", "CCC", "North PCN");
        admin = api.adminToken();
        // Ten higher-risk men aged 56 (Black, no PSA test): eligible for psa-eligible.
        for (Rows.Patient p : all) {
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01'
                    WHERE id = ?""", p.id());
        }
    }

    Map<String, Object> body(Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "PSA", "programme", "psa-eligible"));
        body.putAll(extra);
        return body;
    }

    @SuppressWarnings("unchecked")
    BigDecimal estimate(Map<String, Object> body) {
        Map<String, Object> review = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns/preview", body)
                .bearerAuth(ccc), Json.OBJECT);
        return new BigDecimal(((Map<String, Object>) review.get("cost")).get("total").toString());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> setBudget(Object pounds, String token) {
        return client.toBlocking().retrieve(HttpRequest.PUT("/api/pcns/" + pcn + "/budget",
                Map.of("monthlyBudget", pounds)).bearerAuth(token), Json.OBJECT);
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlyAnAdminSetsABudgetAndOneBelowZeroIsRefusedNamingTheField() {
        assertThatThrownBy(() -> setBudget(-1, admin)).isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(400);
            assertThat(e.getResponse().getBody(String.class).orElse("")).contains("monthlyBudget").contains("0 or more");
        });
        assertThatThrownBy(() -> setBudget(1.234, admin)).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(400));
        assertThatThrownBy(() -> setBudget(100, ccc)).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
        Map<String, Object> set = setBudget(120.5, admin);
        assertThat(((Map<String, Object>) set.get("month")).get("budget")).isEqualTo(120.5);
        Map<String, Object> read = client.toBlocking().retrieve(HttpRequest.GET("/api/pcns/" + pcn + "/budget")
                .bearerAuth(ccc), Json.OBJECT);
        assertThat(((Map<String, Object>) read.get("month")).get("month")).isEqualTo("2026-03");
        long other = rows.pcnNamed("South PCN");
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/pcns/" + other + "/budget")
                .bearerAuth(ccc))).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'BUDGET_SET'")).isEqualTo(1);
        // The admin's page for a PCN there is none of: not found (before, the database's refusal was a 500).
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/ui/budgets/999999", "monthlyBudget=10")
                .contentType(io.micronaut.http.MediaType.APPLICATION_FORM_URLENCODED_TYPE).bearerAuth(admin)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(404));
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'BUDGET_SET'")).isEqualTo(1);
    }

    @Test
    void aLaunchOverWhatIsLeftThisMonthIsRefusedWithTheFigures() {
        Map<String, Object> body = body(Map.of());
        BigDecimal estimate = estimate(body);
        assertThat(estimate).isPositive();
        BigDecimal short1p = estimate.subtract(new BigDecimal("0.01"));
        setBudget(short1p, admin);
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", body).bearerAuth(ccc), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(409);
                    assertThat(e.getResponse().getBody(String.class).orElse(""))
                            .contains("£" + estimate.setScale(2)).contains("£" + short1p.setScale(2) + " left")
                            .doesNotContain("GBP");
                });
        assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();
        setBudget(estimate, admin);
        HttpResponse<Map<String, Object>> ok = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", body)
                .bearerAuth(ccc), Json.OBJECT);
        assertThat(ok.code()).isEqualTo(201);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCampaignThatReachesTheBudgetWhileSendingPausesWithItsReasonAndTheSpendIsShown() throws Exception {
        Map<String, Object> body = body(Map.of("dailyCap", 5));
        setBudget(estimate(body), admin);
        Map<String, Object> created = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns", body)
                .bearerAuth(ccc), Json.OBJECT);
        long id = ((Number) created.get("id")).longValue();
        housekeeping.run();
        engine.drain();
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'QUEUED'", id)).isEqualTo(5);
        long segments = rows.queryLong("SELECT sum(segments) FROM message WHERE campaign_id = ? AND status = 'QUEUED'", id);
        BigDecimal spent = new BigDecimal("0.04").multiply(BigDecimal.valueOf(segments)).setScale(2);
        housekeeping.run();
        assertThat(rows.queryString("SELECT status FROM campaign WHERE id = ?", id)).as("within budget").isEqualTo("SENDING");

        // The admin lowers the budget to what is spent: the campaign has reached it, and pauses with the reason.
        setBudget(spent, admin);
        housekeeping.run();
        Map<String, Object> campaign = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id)
                .bearerAuth(ccc), Json.OBJECT);
        assertThat(campaign.get("status")).isEqualTo("PAUSED");
        assertThat((String) campaign.get("pausedReason")).contains("budget for March 2026 is reached")
                .contains("£" + spent + " spent");
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'CAMPAIGN_PAUSE' AND username = 'system'"
                + " AND target = ? AND detail LIKE '%budget for March 2026 is reached%'", "campaign:" + id)).isEqualTo(1);
        String page = client.toBlocking().retrieve(HttpRequest.GET("/ui/campaigns/" + id).bearerAuth(ccc));
        assertThat(page).contains("paused-reason").contains("budget for March 2026 is reached");

        Map<String, Object> budget = client.toBlocking().retrieve(HttpRequest.GET("/api/pcns/" + pcn + "/budget")
                .bearerAuth(admin), Json.OBJECT);
        assertThat(((Map<String, Object>) budget.get("month")).get("spent")).isEqualTo(spent.doubleValue());
        assertThat((List<Map<String, Object>>) budget.get("spend")).singleElement().satisfies(s -> {
            assertThat(s.get("month")).isEqualTo("2026-03");
            assertThat(s.get("campaignId")).isEqualTo((int) id);
            assertThat(s.get("texts")).isEqualTo(5);
            assertThat(s.get("segments")).isEqualTo((int) segments);
        });
        String budgetsPage = client.toBlocking().retrieve(HttpRequest.GET("/ui/budgets").bearerAuth(admin));
        assertThat(budgetsPage).contains("North PCN").contains("PSA").contains(spent.toString());

        // A resume clears the reason; with the budget still reached, the next run pauses it again.
        client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/" + id + "/resume", "")
                .contentType(MediaType.APPLICATION_JSON).bearerAuth(ccc));
        assertThat(rows.queryString("SELECT COALESCE(paused_reason, 'none') FROM campaign WHERE id = ?", id)).isEqualTo("none");
        housekeeping.run();
        assertThat(rows.queryString("SELECT status FROM campaign WHERE id = ?", id)).isEqualTo("PAUSED");
    }
}
