package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.FakeNotify;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GOV.UK Notify half of {@link RealPathEndToEndTest}, as {@link RealPathTwilioEndToEndTest} is Twilio's: the real
 * cohort SQL, templates and dispatcher, through the real {@code NotifySmsSender} and notifications-java-client into
 * {@link FakeNotify}, then Notify's callbacks into our webhook. Each text goes once, with our message id as its
 * reference; a bad number fails for good; a rate limit is retried; an answer lost with its connection is reconciled
 * by reference and not sent again; callbacks delivered twice count once, and one with a wrong token is refused.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ManualDispatch
@Property(name = TestClock.START, value = RealPathEndToEndTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "RealPathNotifyEndToEndTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
// The first requests of a cold service (and a launch's cohort SQL) take seconds on a loaded 2-core machine.
@Property(name = "micronaut.http.client.read-timeout", value = "120s")
class RealPathNotifyEndToEndTest implements TestPropertyProvider {
    static final String CALLBACK_TOKEN = "notify-callback-token-for-tests-only";
    final FakeNotify fake = FakeNotify.start();

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
    Reconciler reconciler;
    @Inject
    TestClock clock;
    @Inject
    SendThrottle throttle;

    String ccc;
    List<Rows.Patient> all;

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
        rows = new Rows(dataSource);
        fake.reset();
        all = rows.patients("North PCN", "N00001", 6);
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    /** What the Quartz job, the reconcile loop and the dispatcher loops do (ADR 0017), run until nothing is due. */
    void tick() throws Exception {
        housekeeping.run();
        for (int i = 0; i < 100 && reconciler.reconcileOnce("real-path-notify-test") > 0; i++) {
            // settle what may have gone (by its reference) before anything more is sent to its number
        }
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("real-path-notify-test") > 0; i++) {
            // keep going while there is due work
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCampaignSendsThroughNotifyOnceEachAndItsCallbacksCountOnce() throws Exception {
        // "Lifted" in the configuration, the throttle still keeps Notify's own rate.
        assertThat(throttle.enabled()).isTrue();
        List<String> mobiles = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            String mobile = "+447700900" + (700 + i);
            mobiles.add(mobile);
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = 'en', mobile = ? WHERE id = ?""", mobile, all.get(i).id());
        }
        String badNumber = mobiles.get(0);
        String answerLost = mobiles.get(1);
        String rateLimited = mobiles.get(2);
        fake.script(badNumber, FakeNotify.Reply.badNumber());
        fake.script(answerLost, FakeNotify.Reply.createdThenDropped());
        fake.script(rateLimited, FakeNotify.Reply.rateLimited());

        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA via Notify", "programme", "psa-eligible",
                "asOf", "2026-03-02"));
        HttpResponse<Map<String, Object>> created = client.toBlocking().exchange(
                HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        assertThat(created.code()).isEqualTo(201);
        long id = ((Number) created.body().get("id")).longValue();

        tick();

        Map<String, Map<String, Object>> first = byNumber(id);
        assertThat(first.get(badNumber)).containsEntry("status", "FAILED").containsEntry("errorCode", "400 ValidationError");
        assertThat(first.get(answerLost)).containsEntry("status", "UNKNOWN");
        assertThat(first.get(rateLimited)).containsEntry("status", "PENDING");
        mobiles.subList(3, mobiles.size()).forEach(m -> assertThat(first.get(m)).containsEntry("status", "QUEUED")
                .containsEntry("provider", "notify"));

        // Past the retry's backoff and the reconcile delay: the lost answer is found by its reference, not resent.
        clock.advance(Duration.ofMinutes(1));
        tick();

        Map<String, Map<String, Object>> after = byNumber(id);
        mobiles.subList(1, mobiles.size()).forEach(m -> assertThat(after.get(m)).containsEntry("status", "QUEUED"));
        assertThat(fake.texts()).hasSize(all.size() - 1);
        assertThat(fake.texts().stream().map(FakeNotify.Stored::to).collect(Collectors.toSet()))
                .isEqualTo(Set.copyOf(mobiles.subList(1, mobiles.size())));
        Map<String, Long> messageIds = messageIds(id);
        Map<String, String> bodies = bodies(id);
        for (FakeNotify.Stored text : fake.texts()) {
            assertThat(text.reference()).isEqualTo("sms-" + messageIds.get(text.to()));
            assertThat(text.body()).isEqualTo(bodies.get(text.to())).isNotBlank();
            assertThat(text.templateId()).isEqualTo(FakeNotify.TEMPLATE_ID);
        }

        // Notify's callbacks, each delivered twice (Notify retries, and so may a proxy); one forged in between.
        for (FakeNotify.Stored text : fake.texts()) {
            assertThat(callback("Bearer " + CALLBACK_TOKEN, text, "delivered")).isEqualTo(204);
            assertThat(callback("Bearer wrong-token", text, "permanent-failure")).isEqualTo(401);
            assertThat(callback("Bearer " + CALLBACK_TOKEN, text, "delivered")).isEqualTo(204);
        }
        Map<String, Map<String, Object>> delivered = byNumber(id);
        mobiles.subList(1, mobiles.size()).forEach(m -> {
            assertThat(delivered.get(m)).containsEntry("status", "DELIVERED").containsEntry("provider", "notify");
            assertThat(delivered.get(m).get("errorCode")).isNull();
        });
        assertThat(delivered.get(badNumber)).containsEntry("status", "FAILED");
        assertThat(delivered.get(badNumber).get("provider")).isNull();
        assertThat(fake.sends()).isEqualTo(all.size() + 1); // five texts, the bad number's refusal, the 429
    }

    private int callback(String authorization, FakeNotify.Stored text, String status) {
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
        try {
            return client.toBlocking().exchange(HttpRequest.POST("/webhooks/notify/status", body)
                    .contentType(MediaType.APPLICATION_JSON_TYPE).header("Authorization", authorization)).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> byNumber(long id) {
        Map<?, ?> page = client.toBlocking().retrieve(
                HttpRequest.GET("/api/campaigns/" + id + "/messages?size=1000").bearerAuth(ccc), Map.class);
        return ((List<Map<String, Object>>) page.get("messages")).stream()
                .collect(Collectors.toMap(m -> (String) m.get("to"), m -> m));
    }

    Map<String, Long> messageIds(long campaign) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = Database.raw(dataSource).getConnection();
             var ps = c.prepareStatement("SELECT to_number, id FROM message WHERE campaign_id = ?")) {
            ps.setLong(1, campaign);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    Map<String, String> bodies(long campaign) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = Database.raw(dataSource).getConnection();
             var ps = c.prepareStatement("SELECT to_number, body FROM message WHERE campaign_id = ?")) {
            ps.setLong(1, campaign);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
