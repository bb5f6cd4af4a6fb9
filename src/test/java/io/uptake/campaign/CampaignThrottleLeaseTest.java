package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens before claims, and a lease kept alive by a heartbeat (ADR 0018). At 2 texts a second the bucket holds two
 * tokens, so a round claims at most two texts and no claim ever waits for the throttle. A lease of 3 s is shorter
 * than a batch of two 2-second sends: the heartbeat (every 0.75 s) keeps it, and what a beat learns (the
 * campaign paused) stops the batch's later hand-overs.
 */
@MicronautTest(transactional = false)
@ManualDispatch
// Monday 2 March 2026, 08:00 in London: inside the default window.
@Property(name = TestClock.START, value = CampaignThrottleLeaseTest.MONDAY_0800_TEXT)
@Property(name = "spec.name", value = "CampaignThrottleLeaseTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "2")
@Property(name = "uptake.campaign.dispatcher.lease", value = "3s")
@Property(name = "uptake.campaign.dispatcher.send-concurrency", value = "1")
class CampaignThrottleLeaseTest {
    static final String MONDAY_0800_TEXT = "2026-03-02T08:00:00Z";

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

    List<Rows.Patient> patients;
    long campaign;

    void launch(int n) {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        SentLog.reset();
        clock.set(Instant.parse(MONDAY_0800_TEXT));
        patients = rows.patients("North PCN", "N00001", n);
        String ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        Map<?, ?> created = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns",
                Map.of("name", "Throttled", "programme", "fit-non-returners")).bearerAuth(ccc), Map.class);
        campaign = ((Number) created.get("id")).longValue();
        housekeeping.run();
    }

    long count(String where, Object... params) {
        return rows.queryLong("SELECT count(*) FROM message WHERE wave = 1 AND " + where, params);
    }

    @BeforeEach
    void setUp() {
        SentLog.reset();
    }

    @Test
    void aRoundTakesItsTokensFirstAndClaimsNoMoreThanTheThrottleAllows() throws Exception {
        launch(10);
        assertThat(dispatcher.dispatchOnce("test-instance")).isBetween(1, 2);
        assertThat(count("status = 'PENDING' AND claimed_by IS NULL")).isGreaterThanOrEqualTo(8);

        for (int i = 0; i < 100 && dispatcher.dispatchOnce("test-instance") > 0; i++) {
            // every later round waits for its tokens before it claims
        }
        assertThat(SentLog.requests()).hasSize(10);
        assertThat(count("status = 'QUEUED' AND claimed_by IS NULL")).isEqualTo(10);
    }

    @Test
    void aBatchSlowerThanItsLeaseKeepsItByHeartbeatAndEachTextGoesOnce() throws Exception {
        launch(2);
        patients.forEach(p -> SentLog.script(p.mobile(), SentLog.Script.SLOW_ACCEPTED));
        // Business time runs with real time, and housekeeping recovers expired claims as it would in production.
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        AtomicBoolean done = new AtomicBoolean();
        Thread time = new Thread(() -> {
            while (!done.get()) {
                clock.set(start.plusNanos(System.nanoTime() - startNanos));
                housekeeping.run();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        time.start();
        try {
            assertThat(dispatcher.dispatchOnce("test-instance")).isEqualTo(2);
        } finally {
            done.set(true);
            time.join();
        }
        assertThat(SentLog.requests()).hasSize(2);
        assertThat(count("status = 'QUEUED' AND provider_sid IS NOT NULL AND claimed_by IS NULL")).isEqualTo(2);
        assertThat(count("status = 'UNKNOWN'")).isZero();
    }

    @Test
    void aCampaignPausedWhileItsBatchIsWithTheProviderHandsNothingMoreOver() throws Exception {
        launch(2);
        patients.forEach(p -> SentLog.script(p.mobile(), SentLog.Script.SLOW_ACCEPTED));
        SentLog.beforeAnswer = messageId -> {
            rows.execute("UPDATE campaign SET status = 'PAUSED' WHERE id = ?", campaign);
            try {
                Thread.sleep(1200); // longer than a beat (a quarter of the lease)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        assertThat(dispatcher.dispatchOnce("test-instance")).isEqualTo(2);
        assertThat(SentLog.requests()).hasSize(1);
        assertThat(count("status = 'QUEUED'")).isEqualTo(1);
        assertThat(count("status = 'PENDING' AND claimed_by IS NULL AND provider_sid IS NULL")).isEqualTo(1);
    }
}
