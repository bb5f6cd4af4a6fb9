package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.FakeTwilio;
import io.uptake.sms.SmsSender;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciliation by content (Twilio lists no id of ours, so the real adapter matches number, body and time) runs
 * one at a time per number, through the real {@code TwilioSmsSender} and SDK against {@link FakeTwilio}. Two UNKNOWN
 * texts to one number with one body (left from before the claim kept one text per number in flight), and Twilio
 * holds one such text: two reconcilers at once must not both take it. The first records it; the second, which
 * waited for the number, sees it recorded, finds nothing else and puts its text back to PENDING.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ManualDispatch
@Property(name = TestClock.START, value = CampaignReconcileByContentTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "CampaignReconcileByContentTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
class CampaignReconcileByContentTest implements TestPropertyProvider {
    static final String MONDAY_0900_TEXT = "2026-03-02T09:00:00Z";
    static final Instant MONDAY_0900 = Instant.parse(MONDAY_0900_TEXT);
    static final String BODY = "Your bowel screening kit is waiting for you";
    /** The provider stamps its messages with business time, where reconcile looks for them. */
    final FakeTwilio fake = FakeTwilio.start(8, Clock.fixed(MONDAY_0900, ZoneOffset.UTC));

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    Rows rows;
    @Inject
    Reconciler reconciler;
    @Inject
    SmsSender sender;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "twilio.account-sid", "ACtest",
                "twilio.auth-token", "test-auth-token",
                "twilio.messaging-service-sid", "MGtest",
                "twilio.api-base-url", fake.baseUrl(),
                "uptake.public-url", "https://uptake.example.nhs.uk");
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    @Test
    void twoUnknownTextsToOneNumberWithOneBodyNeverAdoptTheSameProviderText() throws Exception {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        fake.reset();
        List<Rows.Patient> family = rows.patients("North PCN", "N00001", 2);
        String ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        Map<?, ?> campaign = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns",
                Map.of("name", "Family phone", "programme", "fit-non-returners")).bearerAuth(ccc), Map.class);
        long id = ((Number) campaign.get("id")).longValue();
        String shared = family.get(0).mobile();
        rows.execute("""
                UPDATE message SET to_number = ?, status = 'UNKNOWN', body = ?, segments = 1, attempted_at = ?,
                       due_at = ?, reason = 'outcome unknown' WHERE campaign_id = ? AND wave = 1""", shared, BODY,
                Timestamp.from(MONDAY_0900.minusSeconds(60)), Timestamp.from(MONDAY_0900), id);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'UNKNOWN'",
                id)).isEqualTo(2);
        String sid = sender.send(new SmsSender.OutboundSms(0, shared, BODY, null)).providerSid();
        assertThat(sid).isNotNull();

        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = two.submit(() -> reconciler.reconcileOnce("first"));
            // The second starts once the first holds its message (one per number per claim), while it is still asking.
            await().atMost(Duration.ofSeconds(10)).until(() -> rows.queryLong("SELECT count(*) FROM message WHERE claimed_by LIKE 'reconcile:first/%'") == 1);
            Future<Integer> second = two.submit(() -> reconciler.reconcileOnce("second"));
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            two.shutdownNow();
        }

        String wave = "SELECT count(*) FROM message WHERE campaign_id = ? AND wave = 1 AND ";
        assertThat(rows.queryLong(wave + "status = 'QUEUED' AND provider_sid = ?", id, sid)).isEqualTo(1);
        assertThat(rows.queryLong(wave + "status = 'PENDING' AND provider_sid IS NULL AND reason = ?", id,
                SendOutcomes.NEVER_WENT)).isEqualTo(1);
        assertThat(rows.queryLong(wave + "claimed_by IS NOT NULL", id)).isZero();
        assertThat(fake.creates()).hasSize(1);
    }
}
