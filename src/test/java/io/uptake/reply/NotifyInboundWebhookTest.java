package io.uptake.reply;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.FakeNotify;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hazard H-023: a patient's reply to a text sent through GOV.UK Notify reaches Uptake through Notify's
 * "received text messages" callback, with its bearer token. STOP opts the number and the patient out and cancels the
 * queued reminder; the confirmation goes back through Notify (there is no TwiML); a callback delivered twice is acted
 * on and answered once; a wrong or missing token stores nothing. Before, such replies never reached Uptake at all.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = NotifyInboundWebhookTest.START_TEXT)
class NotifyInboundWebhookTest implements TestPropertyProvider {
    static final String START_TEXT = "2026-03-02T10:00:00Z";
    static final Instant START = Instant.parse(START_TEXT);
    static final String INBOUND_TOKEN = "notify-inbound-token-for-tests-only";
    final FakeNotify fake = FakeNotify.start();

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    OptOutLedger ledger;
    @Inject
    TestClock clock;
    @Inject
    InboundRetry retry;
    @Inject
    InboundRaw raw;

    ReplyFixtures db;
    long patient;
    long campaign;
    final String mobile = ReplyFixtures.mobile(121);

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "uptake.sms.notify.api-key", fake.apiKey(),
                "uptake.sms.notify.base-url", fake.baseUrl(),
                "uptake.sms.notify.sms-template-id", FakeNotify.TEMPLATE_ID,
                "uptake.sms.notify.inbound-bearer-token", INBOUND_TOKEN,
                "uptake.sms.notify.read-timeout", "5s");
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        fake.reset();
        clock.set(START);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        long pcn = db.pcn("North PCN");
        db.practice("P84001", "Oak Surgery", pcn);
        patient = db.patient("P84001", mobile, "en", "Ada");
        campaign = db.campaign(pcn, "FIT non-returners");
        db.sentMessage(campaign, patient, mobile, "en", START.minus(1, ChronoUnit.DAYS));
    }

    @Test
    void aStopThroughNotifyOptsOutCancelsTheReminderAndIsConfirmedThroughNotifyOnce() {
        long reminder = db.queuedMessage(campaign, patient, mobile, START.plus(Duration.ofDays(14)));
        String id = UUID.randomUUID().toString();
        // Notify gives the patient's number without its "+".
        String callback = callback(id, mobile.substring(1), "STOP");

        assertThat(post("Bearer " + INBOUND_TOKEN, callback)).isEqualTo(204);
        assertThat(db.inbound(NotifyInboundWebhook.SID_PREFIX + id)).containsEntry("from_number", mobile)
                .containsEntry("classification", "OPT_OUT").containsEntry("patient_id", patient);
        assertThat(ledger.isNumberOptedOut(mobile)).isTrue();
        assertThat(ledger.isOptedOut(patient)).isTrue();
        assertThat(db.messageStatus(reminder)).isEqualTo("CANCELLED");
        assertThat(fake.textsTo(mobile)).singleElement().satisfies(answer -> {
            assertThat(answer.reference()).isEqualTo("reply-" + id);
            assertThat(answer.body()).isEqualTo(db.inbound(NotifyInboundWebhook.SID_PREFIX + id).get("auto_reply"));
        });

        // Notify delivers it again: acted on and answered once.
        assertThat(post("Bearer " + INBOUND_TOKEN, callback)).isEqualTo(204);
        assertThat(db.count("SELECT count(*) FROM inbound_message WHERE message_sid = ?",
                NotifyInboundWebhook.SID_PREFIX + id)).isEqualTo(1);
        assertThat(fake.textsTo(mobile)).hasSize(1);
    }

    @Test
    void aMissingOrWrongTokenIsRefusedAndNothingIsStored() {
        String callback = callback(UUID.randomUUID().toString(), mobile.substring(1), "STOP");
        assertThat(post("Bearer wrong-token", callback)).isEqualTo(401);
        assertThat(post(null, callback)).isEqualTo(401);
        assertThat(db.count("SELECT count(*) FROM inbound_raw")).isZero();
        assertThat(db.count("SELECT count(*) FROM inbound_message")).isZero();
        assertThat(ledger.isNumberOptedOut(mobile)).isFalse();
        assertThat(fake.texts()).isEmpty();
        // Authenticated but without a number: refused, as Notify would not fix it by retrying.
        assertThat(post("Bearer " + INBOUND_TOKEN, "{\"id\": \"" + UUID.randomUUID() + "\", \"message\": \"STOP\"}"))
                .isEqualTo(400);
    }

    /** A Notify reply kept raw but not processed (the database failed) is processed late by the retry, as Twilio's. */
    @Test
    void aNotifyReplyKeptRawIsProcessedByTheRetryAsATwilioOneIs() {
        String id = UUID.randomUUID().toString();
        byte[] body = callback(id, mobile.substring(1), "Can someone call me about the kit?").getBytes(StandardCharsets.UTF_8);
        InboundRaw.Stored stored = raw.store(body, NotifyInboundWebhook.SID_PREFIX + id, clock.instant());
        raw.markFailed(stored.id(), new IllegalStateException("the database went away"));
        clock.advance(Duration.ofHours(1));

        InboundRetry.Outcome outcome = retry.run();
        assertThat(outcome.processed()).isEqualTo(1);
        assertThat(outcome.invalid()).isZero();
        assertThat(db.inbound(NotifyInboundWebhook.SID_PREFIX + id)).containsEntry("from_number", mobile)
                .containsEntry("patient_id", patient).containsEntry("body", "Can someone call me about the kit?");
        // A UK number written nationally is read as E.164 too.
        assertThat(NotifyInboundWebhook.fromNotify(new org.json.JSONObject("{\"id\":\"x\",\"source_number\":\"07700900121\"}"))
                .from()).isEqualTo(mobile);
    }

    private static String callback(String id, String from, String message) {
        return new org.json.JSONObject(Map.of("id", id, "source_number", from, "destination_number", "07700900000",
                "message", message, "date_received", "2026-03-02T10:00:00.000000Z")).toString();
    }

    private int post(String authorization, String body) {
        var request = HttpRequest.POST(NotifyInboundWebhook.PATH, body).contentType(MediaType.APPLICATION_JSON_TYPE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return client.toBlocking().exchange(request, String.class).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }
}
