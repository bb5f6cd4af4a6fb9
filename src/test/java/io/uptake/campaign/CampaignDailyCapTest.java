package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A campaign's daily cap (issue 15) on the real engine: at most the cap of texts go on a sending day, across all
 * waves, in the service's zone; the rest go on the next sending days; texts the checks stop do not use the cap;
 * dispatchers claiming at once stay within it between them; and a cap below 1 is refused naming the field. The
 * review's date of the last text is LaunchPreviewTest's (it needs the real cohort).
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = CampaignDailyCapTest.FRIDAY_0800_TEXT)
@Property(name = "spec.name", value = "CampaignDailyCapTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
// Small batches: many rounds, so that rounds of different workers take their share of the cap at the same moment.
@Property(name = "uptake.campaign.dispatcher.batch-size", value = "2")
class CampaignDailyCapTest {
    /** Friday 6 March 2026, 08:00 in London (GMT): the default window is open; the weekend comes next. */
    static final String FRIDAY_0800_TEXT = "2026-03-06T08:00:00Z";
    static final ZoneId LONDON = ZoneId.of("Europe/London");

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
    @Inject
    DailyCapCounts counts;
    Rows rows;
    String ccc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        SentLog.reset();
        rows = new Rows(dataSource);
        clock.set(Instant.parse(FRIDAY_0800_TEXT));
    }

    long launch(int patients, Map<String, Object> extra) {
        rows.patients("North PCN", "N00001", patients);
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        Map<String, Object> body = new HashMap<>(Map.of("name", "Paced", "programme", "fit-non-returners"));
        body.putAll(extra);
        Map<?, ?> created = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns", body).bearerAuth(ccc), Map.class);
        assertThat(created.get("dailyCap")).isEqualTo(extra.get("dailyCap"));
        housekeeping.run();
        return ((Number) created.get("id")).longValue();
    }

    /**
     * Housekeeping, then dispatch rounds until two in a row claim nothing (the first may have read the open campaigns
     * of the test before, cached for a second), then housekeeping again, as its job would run seconds later; how many
     * texts went in all so far.
     */
    int drain() throws Exception {
        housekeeping.run();
        for (int i = 0, idle = 0; i < 200 && idle < 2; i++) {
            idle = dispatcher.dispatchOnce("cap-test") > 0 ? 0 : idle + 1;
        }
        housekeeping.run();
        return SentLog.requests().size();
    }

    long takenOn(long campaign, LocalDate day) {
        return rows.queryLong("SELECT COALESCE(sum(texts), 0) FROM campaign_day_texts WHERE campaign_id = ? AND day = ?",
                campaign, day);
    }

    @Test
    void atMostTheCapGoesEachSendingDayAndTheRestOnTheNextSendingDays() throws Exception {
        long id = launch(10, Map.of("dailyCap", 4));
        assertThat(drain()).isEqualTo(4);
        clock.set(Instant.parse("2026-03-06T17:30:00Z"));
        assertThat(drain()).as("still Friday").isEqualTo(4);
        clock.set(Instant.parse("2026-03-07T10:00:00Z"));
        assertThat(drain()).as("Saturday is not a sending day").isEqualTo(4);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'PENDING'"
                + " AND due_at = TIMESTAMPTZ '2026-03-09 08:00:00+00'", id)).as("deferred to Monday's window").isEqualTo(6);
        clock.set(Instant.parse("2026-03-09T08:00:00Z"));
        assertThat(drain()).isEqualTo(8);
        clock.set(Instant.parse("2026-03-10T08:00:00Z"));
        assertThat(drain()).isEqualTo(10);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'QUEUED'", id)).isEqualTo(10);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'SKIPPED'", id)).isZero();
        assertThat(takenOn(id, LocalDate.parse("2026-03-06"))).isEqualTo(4);
        assertThat(takenOn(id, LocalDate.parse("2026-03-09"))).isEqualTo(4);
        assertThat(takenOn(id, LocalDate.parse("2026-03-10"))).isEqualTo(2);
    }

    @Test
    void theCapCountsEveryWaveTogether() throws Exception {
        // Reminder after 1 day: Friday's invitations' reminders fall due on Monday beside the invitations still waiting.
        long id = launch(6, Map.of("dailyCap", 4, "reminders", List.of(Map.of("afterDays", 1))));
        assertThat(drain()).isEqualTo(4);
        // At its cap, the rest wait for Monday's window: due then, so not skipped as missed over the weekend.
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND wave = 1 AND status = 'PENDING'"
                + " AND due_at = TIMESTAMPTZ '2026-03-09 08:00:00+00'", id)).isEqualTo(2);
        for (String day : List.of("2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12")) {
            clock.set(Instant.parse(day + "T08:00:00Z"));
            int before = SentLog.requests().size();
            assertThat(drain() - before).as(day).isLessThanOrEqualTo(4);
            assertThat(takenOn(id, LocalDate.parse(day))).as(day).isLessThanOrEqualTo(4);
        }
        assertThat(SentLog.requests()).hasSize(12);
        assertThat(takenOn(id, LocalDate.parse("2026-03-09"))).as("two invitations and two reminders").isEqualTo(4);
    }

    @Test
    void theDayIsTheServiceZonesNotUtc() throws Exception {
        // Monday 1 June 2026, 23:30 in London (BST, 22:30 UTC); always open, so only the cap stops sending.
        clock.set(Instant.parse("2026-06-01T22:30:00Z"));
        long id = launch(10, Map.of("dailyCap", 3, "sendWindow", CampaignKillNineTest.ALWAYS_OPEN));
        assertThat(drain()).isEqualTo(3);
        clock.set(Instant.parse("2026-06-01T23:10:00Z")); // still 1 June in UTC, already 2 June in London
        assertThat(drain()).isEqualTo(6);
        assertThat(takenOn(id, LocalDate.parse("2026-06-01"))).isEqualTo(3);
        assertThat(takenOn(id, LocalDate.parse("2026-06-02"))).isEqualTo(3);
    }

    @Test
    void textsTheChecksStopDoNotUseTheCap() throws Exception {
        List<Rows.Patient> patients = rows.patients("North PCN", "N00001", 3);
        long id = launch(5, Map.of("dailyCap", 4));
        // Three patients died after launch: their texts are cancelled at claim and give their share back.
        Instant now = clock.instant();
        patients.forEach(p -> rows.event(p.id(), "DECEASED", now.atZone(LONDON).toLocalDate(), now));
        assertThat(drain()).isEqualTo(4);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'CANCELLED'", id)).isEqualTo(3);
        assertThat(takenOn(id, LocalDate.parse("2026-03-06"))).isEqualTo(4);
    }

    @Test
    void dispatchersClaimingAtOnceStayWithinTheCapBetweenThem() throws Exception {
        long id = launch(60, Map.of("dailyCap", 25, "sendWindow", CampaignKillNineTest.ALWAYS_OPEN));
        int workers = 4;
        CyclicBarrier start = new CyclicBarrier(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String instance = "instance-" + w;
                Callable<Integer> loop = () -> {
                    start.await(10, TimeUnit.SECONDS);
                    int claimed = 0;
                    for (int i = 0; i < 30; i++) {
                        claimed += dispatcher.dispatchOnce(instance);
                    }
                    return claimed;
                };
                done.add(pool.submit(loop));
            }
            for (Future<Integer> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(SentLog.requests()).hasSize(25);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'QUEUED'", id)).isEqualTo(25);
        assertThat(takenOn(id, LocalDate.parse("2026-03-06"))).isEqualTo(25);
        clock.advance(Duration.ofDays(1));
        assertThat(drain()).as("Saturday, and the window is always open").isEqualTo(50);
    }

    @Test
    void takesAtTheSameMomentNeverAllowMoreThanTheCapBetweenThem() throws Exception {
        long id = launch(1, Map.of("dailyCap", 150));
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> allowed = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                allowed.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int sum = 0;
                    for (int i = 0; i < 40; i++) {
                        sum += counts.take(Map.of(id, 150), 1, clock.instant()).allowed().get(id);
                    }
                    return sum;
                }));
            }
            int total = 0;
            for (Future<Integer> f : allowed) {
                total += f.get(2, TimeUnit.MINUTES);
            }
            assertThat(total).as("320 asked, 150 allowed").isEqualTo(150);
        } finally {
            pool.shutdownNow();
        }
        assertThat(takenOn(id, LocalDate.parse("2026-03-06"))).isEqualTo(150);
    }

    @Test
    void aCapBelowOneIsRefusedNamingTheField() {
        rows.patients("North PCN", "N00001", 10);
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        for (Object cap : List.of(0, -3)) {
            for (String path : List.of("/api/campaigns/preview", "/api/campaigns")) {
                Map<String, Object> body = Map.of("name", "Paced", "programme", "fit-non-returners", "dailyCap", cap);
                assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST(path, body).bearerAuth(ccc), Map.class))
                        .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(400);
                            assertThat(e.getResponse().getBody(String.class).orElse(""))
                                    .contains("dailyCap").contains("1 or more");
                        });
            }
        }
        assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();
    }
}
