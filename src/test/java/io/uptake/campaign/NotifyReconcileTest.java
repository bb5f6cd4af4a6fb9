package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.FakeNotify;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link Reconciler} with GOV.UK Notify behind it (the real NotifySmsSender and notifications-java-client against
 * {@link FakeNotify}): a Notify text left UNKNOWN is settled by its reference {@code sms-<message id>}, never by
 * sending it again. Notify has it: QUEUED with Notify's id, and its callbacks carry it on to DELIVERED. Notify has no
 * text with that reference: PENDING again with no POST from the reconciler, and the dispatcher then sends it once.
 * Because the lookup is by our own id ({@code NotifySmsSender.reconcilesByOwnId()}), it does not wait for the
 * number's lock, which only a lookup by content needs.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ManualDispatch
@Property(name = TestClock.START, value = RealPathEndToEndTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "NotifyReconcileTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
// The first requests of a cold service (and a launch's cohort SQL) take seconds on a loaded 2-core machine.
@Property(name = "micronaut.http.client.read-timeout", value = "120s")
class NotifyReconcileTest implements TestPropertyProvider {
    static final String CALLBACK_TOKEN = "notify-callback-token-for-tests-only";
    static final String MOBILE = "+447700900760";
    /** {@code Claims.NUMBER_LOCK}: the advisory lock class of a number, held by a claim and a reconcile by content. */
    static final int NUMBER_LOCK = 12;
    final FakeNotify fake = FakeNotify.start();

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
    Reconciler reconciler;
    @Inject
    TestClock clock;

    Rows rows;
    long messageId;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "uptake.sms.notify.api-key", fake.apiKey(),
                "uptake.sms.notify.base-url", fake.baseUrl(),
                "uptake.sms.notify.sms-template-id", FakeNotify.TEMPLATE_ID,
                "uptake.sms.notify.callback-bearer-token", CALLBACK_TOKEN,
                "uptake.sms.notify.read-timeout", "5s",
                "uptake.public-url", "https://uptake.example.nhs.uk");
    }

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        fake.reset();
        dispatcher.forgetSenderPause();
        rows = new Rows(dataSource);
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    @Test
    void aTextNotifyTookIsFoundByItsReferenceWithoutTheNumbersLockAndNotSentAgain() throws Exception {
        fake.script(MOBILE, FakeNotify.Reply.createdThenDropped());
        launchAndSend();
        assertThat(status()).isEqualTo("UNKNOWN");
        assertThat(fake.sends()).isEqualTo(1);
        FakeNotify.Stored text = fake.textsTo(MOBILE).get(0);
        assertThat(text.reference()).isEqualTo("sms-" + messageId);

        clock.advance(Duration.ofMinutes(1));
        // Another instance's claim (or a reconcile by content) holds the number: a lookup by reference needs no lock.
        try (Connection holder = Database.raw(dataSource).getConnection()) {
            lockNumber(holder, "SELECT pg_advisory_lock(?, hashtext(?))");
            ExecutorService one = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> round = one.submit(() -> reconciler.reconcileOnce("notify-reconcile-test"));
                assertThat(round.get(60, TimeUnit.SECONDS)).isEqualTo(1);
            } finally {
                lockNumber(holder, "SELECT pg_advisory_unlock(?, hashtext(?))");
                one.shutdownNow();
            }
        }

        assertThat(status()).isEqualTo("QUEUED");
        assertThat(rows.queryString("SELECT provider_sid FROM message WHERE id = ?", messageId)).isEqualTo(text.id());
        // Settled, so nothing is due: the dispatcher sends nothing more and Notify got one POST only.
        assertThat(dispatcher.dispatchOnce("notify-reconcile-test")).isZero();
        assertThat(reconciler.reconcileOnce("notify-reconcile-test")).isZero();
        assertThat(fake.sends()).isEqualTo(1);
        assertThat(fake.textsTo(MOBILE)).hasSize(1);

        // Notify's receipts, found by the same reference, carry the text on from there.
        assertThat(callback(text, "sending")).isEqualTo(204);
        assertThat(status()).isEqualTo("SENT");
        assertThat(callback(text, "delivered")).isEqualTo(204);
        assertThat(status()).isEqualTo("DELIVERED");
    }

    @Test
    void aReceiptThatCameFirstSettlesTheTextAndTheReconcilerLeavesItAlone() throws Exception {
        fake.script(MOBILE, FakeNotify.Reply.createdThenDropped());
        launchAndSend();
        assertThat(status()).isEqualTo("UNKNOWN");
        FakeNotify.Stored text = fake.textsTo(MOBILE).get(0);

        assertThat(callback(text, "delivered")).isEqualTo(204);
        assertThat(status()).isEqualTo("DELIVERED");
        assertThat(rows.queryString("SELECT provider_sid FROM message WHERE id = ?", messageId)).isEqualTo(text.id());

        clock.advance(Duration.ofMinutes(1));
        assertThat(reconciler.reconcileOnce("notify-reconcile-test")).isZero();
        assertThat(dispatcher.dispatchOnce("notify-reconcile-test")).isZero();
        assertThat(status()).isEqualTo("DELIVERED");
        assertThat(fake.sends()).isEqualTo(1);
    }

    @Test
    void aTextNotifyHasNoReferenceForIsPendingAgainWithoutASecondPostThenSentOnce() throws Exception {
        // A 5xx may come after Notify stored the text, so it is UNKNOWN; here Notify stored nothing.
        fake.script(MOBILE, FakeNotify.Reply.serverError());
        launchAndSend();
        assertThat(status()).isEqualTo("UNKNOWN");
        assertThat(fake.sends()).isEqualTo(1);
        assertThat(fake.texts()).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        assertThat(reconciler.reconcileOnce("notify-reconcile-test")).isEqualTo(1);
        assertThat(status()).isEqualTo("PENDING");
        assertThat(rows.queryString("SELECT reason FROM message WHERE id = ?", messageId))
                .isEqualTo(SendOutcomes.NEVER_WENT);
        assertThat(fake.sends()).as("the reconciler only asks; it never sends").isEqualTo(1);
        assertThat(fake.texts()).isEmpty();

        // The next claim runs every send check again and sends it, once, with the same reference.
        for (int i = 0; i < 10 && dispatcher.dispatchOnce("notify-reconcile-test") > 0; i++) {
            // keep going while there is due work
        }
        assertThat(status()).isEqualTo("QUEUED");
        assertThat(fake.sends()).isEqualTo(2);
        assertThat(fake.textsTo(MOBILE)).singleElement()
                .satisfies(t -> assertThat(t.reference()).isEqualTo("sms-" + messageId));
        assertThat(rows.queryString("SELECT provider_sid FROM message WHERE id = ?", messageId))
                .isEqualTo(fake.textsTo(MOBILE).get(0).id());
    }

    /** One eligible patient on {@link #MOBILE}, a launched campaign, and the dispatcher run until nothing is due. */
    private void launchAndSend() throws Exception {
        Rows.Patient patient = rows.patients("North PCN", "N00001", 1).get(0);
        rows.execute("""
                UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                   language = 'en', mobile = ? WHERE id = ?""", MOBILE, patient.id());
        String ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA via Notify", "programme", "psa-eligible",
                "asOf", "2026-03-02"));
        HttpResponse<Map<String, Object>> created = client.toBlocking().exchange(
                HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        assertThat(created.code()).isEqualTo(201);
        housekeeping.run();
        for (int i = 0; i < 10 && dispatcher.dispatchOnce("notify-reconcile-test") > 0; i++) {
            // keep going while there is due work
        }
        messageId = rows.queryLong("SELECT id FROM message WHERE to_number = ?", MOBILE);
    }

    private String status() {
        return rows.queryString("SELECT status FROM message WHERE id = ?", messageId);
    }

    private void lockNumber(Connection c, String sql) throws Exception {
        try (var ps = c.prepareStatement(sql)) {
            ps.setInt(1, NUMBER_LOCK);
            ps.setString(2, MOBILE);
            ps.execute();
        }
    }

    private int callback(FakeNotify.Stored text, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", text.id());
        body.put("reference", text.reference());
        body.put("to", text.to());
        body.put("status", status);
        body.put("created_at", text.createdAt().toString());
        body.put("completed_at", null);
        body.put("sent_at", null);
        body.put("notification_type", "sms");
        body.put("template_id", FakeNotify.TEMPLATE_ID);
        body.put("template_version", 1);
        return client.toBlocking().exchange(HttpRequest.POST("/webhooks/notify/status", body)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("Authorization", "Bearer " + CALLBACK_TOKEN)).code();
    }
}
