package io.uptake.sms;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.SmsSender.OutboundSms;
import io.uptake.sms.SmsSender.SendResult;
import io.uptake.sms.SmsSender.SendResult.Outcome;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import uk.gov.service.notify.BoundedNotificationClient;
import uk.gov.service.notify.NotificationClient;
import uk.gov.service.notify.NotificationClientException;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real notifications-java-client, through our {@link BoundedNotificationClient}, against a local fake Notify that
 * checks the JWT every request carries; and Notify's status callbacks into our webhook with its bearer token.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// The first requests of a cold service take seconds on a loaded 2-core machine.
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.read-timeout", value = "120s")
class NotifySmsSenderTest implements TestPropertyProvider {
    static final String CALLBACK_TOKEN = "notify-callback-token-for-tests-only";

    final FakeNotify fake = FakeNotify.start();

    @Inject
    SmsSender sender;
    @Inject
    MessageStatusService statuses;
    @Inject
    DataSource dataSource;
    @Inject
    @Client("/")
    HttpClient http;

    CampaignRows rows;
    @Inject
    Clock clock;

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
        rows = new CampaignRows(dataSource, clock);
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    private OutboundSms outbound(CampaignRows.Text ids, String to, String body) {
        return statuses.outbound(ids.messageId(), to, body);
    }

    private NotifySmsSender senderWith(NotificationClient client) {
        NotifySettings settings = new NotifySettings();
        settings.setSmsTemplateId(FakeNotify.TEMPLATE_ID);
        return new NotifySmsSender(client, settings, new SmsMetrics(new SimpleMeterRegistry()),
                new MessageProviderSids(dataSource), "");
    }

    @Test
    void notifyIsTheChannelAndItsRateCapsTheThrottle() {
        assertThat(sender.channel()).isEqualTo("notify");
        assertThat(sender.maxMessagesPerSecond()).isEqualTo(45.0);
    }

    @Test
    void sendsTheBodyThroughTheTemplateWithOurMessageIdAsReference() {
        String to = "+447700900201";
        String body = "Please return your FIT kit. Reply STOP to opt out.";
        CampaignRows.Text ids = rows.text(to, body);

        SendResult result = sender.send(outbound(ids, to, body));

        assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(fake.refusedTokens()).isZero();
        assertThat(fake.texts()).singleElement().satisfies(t -> {
            assertThat(t.to()).isEqualTo(to);
            assertThat(t.templateId()).isEqualTo(FakeNotify.TEMPLATE_ID);
            assertThat(t.body()).isEqualTo(body);
            assertThat(t.reference()).isEqualTo("sms-" + ids.messageId());
            assertThat(t.id()).isEqualTo(result.providerSid());
        });
        statuses.applySendResult(ids.messageId(), result);
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("QUEUED");
        assertThat(rows.state(ids.messageId()).providerSid()).isEqualTo(result.providerSid());
    }

    @Test
    void aBadRequestFailsPermanentlyWithNotifysWords() {
        String to = "+447700900202";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeNotify.Reply.badNumber());

        SendResult result = sender.send(outbound(ids, to, "hello"));

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(result.errorCode()).isEqualTo("400 ValidationError");
        statuses.applySendResult(ids.messageId(), result);
        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("FAILED");
        assertThat(state.reason()).contains("Not a UK mobile number");
        assertThat(fake.texts()).isEmpty();
    }

    @Test
    void aRateLimitIsRetryableAndTheClientDoesNotResendByItself() {
        String to = "+447700900203";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeNotify.Reply.rateLimited());

        SendResult first = sender.send(outbound(ids, to, "hello"));

        assertThat(first.outcome()).isEqualTo(Outcome.RETRYABLE);
        assertThat(first.errorCode()).isEqualTo("429 RateLimitError");
        assertThat(fake.sends()).isEqualTo(1);
        assertThat(sender.send(outbound(ids, to, "hello")).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(fake.textsTo(to)).hasSize(1);
    }

    @Test
    void theDailyLimitMakesTextsWaitWithoutBlamingThem() {
        String to = "+447700900204";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeNotify.Reply.dailyLimit());

        SendResult result = sender.send(outbound(ids, to, "hello"));

        assertThat(result.outcome()).isEqualTo(Outcome.SENDER_UNAVAILABLE);
        assertThat(result.detail()).contains("daily limit");
    }

    @Test
    void aServerErrorIsUnknownAndReconcileSaysWhetherNotifyKeptIt() {
        String to = "+447700900205";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeNotify.Reply.serverError());
        Instant start = Instant.now();

        SendResult result = sender.send(outbound(ids, to, "hello"));

        // Notify stores a text before it queues it: a 5xx may come after the store, so it is not "nothing taken".
        assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(fake.sends()).isEqualTo(1);
        // This one it did not keep: reconcile finds nothing, so the dispatcher may send it again.
        assertThat(sender.reconcile(outbound(ids, to, "hello"), start)).isEmpty();
    }

    @Test
    void aTimeoutAfterTheRequestIsUnknownAndReconcileFindsTheTextByItsReference() {
        String to = "+447700900206";
        CampaignRows.Text ids = rows.text(to, "Your bowel screening kit");
        fake.script(to, FakeNotify.Reply.createdButSlow(Duration.ofSeconds(12)));
        Instant start = Instant.now();

        SendResult result = sender.send(outbound(ids, to, "Your bowel screening kit"));

        assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN);
        statuses.applySendResult(ids.messageId(), result);
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("UNKNOWN");
        Optional<SendResult> reconciled = sender.reconcile(outbound(ids, to, "Your bowel screening kit"), start);
        assertThat(reconciled).map(SendResult::outcome).contains(Outcome.ACCEPTED);
        assertThat(reconciled.get().providerSid()).isEqualTo(fake.texts().get(0).id());
        statuses.applySendResult(ids.messageId(), reconciled.get());
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("QUEUED");
        assertThat(fake.textsTo(to)).hasSize(1);
    }

    @Test
    void anAnswerLostWithTheConnectionIsUnknownAndTheTextIsNotSentTwice() throws Exception {
        String to = "+447700900207";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeNotify.Reply.createdThenDropped());

        SendResult result = sender.send(outbound(ids, to, "hello"));

        assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN);
        // One request, one text: our client streams the body, so the JDK cannot quietly send the POST again.
        assertThat(fake.sends()).isEqualTo(1);
        assertThat(fake.textsTo(to)).hasSize(1);
        assertThat(sender.reconcile(outbound(ids, to, "hello"), Instant.now().minusSeconds(5)))
                .map(SendResult::providerSid).contains(fake.textsTo(to).get(0).id());
    }

    @Test
    void aRefusedKeyIsTheSendersFaultAndTheFakeChecksTheJwt() {
        NotifySmsSender wrongKey = senderWith(
                new BoundedNotificationClient(fake.wrongKey(), fake.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(2)));

        SendResult result = wrongKey.send(new OutboundSms(1, "+447700900208", "hello", null));

        assertThat(result.outcome()).isEqualTo(Outcome.SENDER_UNAVAILABLE);
        assertThat(result.errorCode()).isEqualTo("403 AuthError");
        assertThat(result.detail()).contains("NOTIFY_API_KEY");
        assertThat(fake.refusedTokens()).isEqualTo(1);
        assertThat(fake.texts()).isEmpty();
    }

    @Test
    void aMissingTemplateIsTheConfigurationsFault() {
        NotifySettings settings = new NotifySettings();
        settings.setSmsTemplateId("00000000-0000-0000-0000-000000000000");
        NotifySmsSender wrongTemplate = new NotifySmsSender(
                new BoundedNotificationClient(fake.apiKey(), fake.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(2)),
                settings, new SmsMetrics(new SimpleMeterRegistry()), (id, sids) -> Set.of(), "");

        assertThat(wrongTemplate.send(new OutboundSms(1, "+447700900209", "hello", null)).outcome())
                .isEqualTo(Outcome.SENDER_UNAVAILABLE);
    }

    @Test
    void connectionRefusedIsRetryableAndCannotBeReconciled() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        NotifySmsSender refused = senderWith(new BoundedNotificationClient(fake.apiKey(),
                "http://localhost:" + closedPort, Duration.ofSeconds(2), Duration.ofSeconds(2)));

        assertThat(refused.send(new OutboundSms(1, "+447700900210", "hello", null)).outcome())
                .isEqualTo(Outcome.RETRYABLE);
        assertThat(refused.reconcile(new OutboundSms(1, "+447700900210", "hello", null), Instant.now()))
                .map(SendResult::outcome).contains(Outcome.UNKNOWN);
    }

    /** H-023: texts through Notify with no received-text callback token say so at startup, loudly. */
    @Test
    void textsThroughNotifyWithoutTheInboundTokenWarnThatRepliesWillNotArrive() {
        try (io.uptake.testsupport.LogCapture logs = new io.uptake.testsupport.LogCapture()) {
            senderWith(null);
            assertThat(logs.text()).contains("WARN GOV.UK Notify sends the texts but UPTAKE_NOTIFY_INBOUND_TOKEN is unset");
        }
        try (io.uptake.testsupport.LogCapture logs = new io.uptake.testsupport.LogCapture()) {
            NotifySettings settings = new NotifySettings();
            settings.setInboundBearerToken("a-token-set-on-notify");
            new NotifySmsSender(null, settings, null, null, "");
            assertThat(logs.text()).doesNotContain("UPTAKE_NOTIFY_INBOUND_TOKEN");
        }
    }

    @Test
    void twilioAndNotifyTextsTogetherAreRefused() {
        NotifySettings settings = new NotifySettings();
        assertThatThrownBy(() -> new NotifySmsSender(null, settings, null, null, "ACsomething"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one provider");
    }

    // --- Status callbacks ---

    private HttpResponse<String> callback(String authorization, Map<String, Object> body) {
        var request = HttpRequest.POST(NotifyStatusWebhook.PATH, body).contentType(MediaType.APPLICATION_JSON_TYPE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.toBlocking().exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return HttpResponse.status(e.getStatus());
        }
    }

    private static Map<String, Object> status(String id, String reference, String status) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", id);
        b.put("reference", reference);
        b.put("to", "+447700900299");
        b.put("status", status);
        b.put("created_at", "2026-03-02T09:00:00.000000Z");
        b.put("completed_at", "2026-03-02T09:00:05.000000Z");
        b.put("sent_at", "2026-03-02T09:00:01.000000Z");
        b.put("notification_type", "sms");
        b.put("template_id", FakeNotify.TEMPLATE_ID);
        b.put("template_version", 1);
        return b;
    }

    @Test
    void aCallbackDeliveredTwiceMovesTheTextOnceAndALaterFailureCannotUndoIt() {
        String to = "+447700900211";
        CampaignRows.Text ids = rows.text(to, "hello");
        SendResult sent = sender.send(outbound(ids, to, "hello"));
        statuses.applySendResult(ids.messageId(), sent);
        String bearer = "Bearer " + CALLBACK_TOKEN;

        assertThat(callback(bearer, status(sent.providerSid(), "sms-" + ids.messageId(), "delivered")).code())
                .isEqualTo(204);
        Instant firstAt = rows.state(ids.messageId()).statusAt();
        assertThat(callback(bearer, status(sent.providerSid(), "sms-" + ids.messageId(), "delivered")).code())
                .isEqualTo(204);
        assertThat(callback(bearer, status(sent.providerSid(), "sms-" + ids.messageId(), "sending")).code())
                .isEqualTo(204);

        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("DELIVERED");
        assertThat(state.statusAt()).isEqualTo(firstAt);
        assertThat(state.providerSid()).isEqualTo(sent.providerSid());
    }

    @Test
    void failureStatusesSayWhyInWords() {
        CampaignRows.Text temporary = rows.text("+447700900212", "hello", "QUEUED");
        CampaignRows.Text technical = rows.text("+447700900213", "hello", "QUEUED");
        String bearer = "Bearer " + CALLBACK_TOKEN;

        callback(bearer, status(java.util.UUID.randomUUID().toString(), "sms-" + temporary.messageId(),
                "temporary-failure"));
        callback(bearer, status(java.util.UUID.randomUUID().toString(), "sms-" + technical.messageId(),
                "technical-failure"));

        assertThat(rows.state(temporary.messageId())).satisfies(s -> {
            assertThat(s.status()).isEqualTo("UNDELIVERED");
            assertThat(s.errorCode()).isEqualTo("temporary-failure");
            assertThat(s.reason()).contains("phone off");
        });
        assertThat(rows.state(technical.messageId())).satisfies(s -> {
            assertThat(s.status()).isEqualTo("FAILED");
            assertThat(s.reason()).contains("not sent");
        });
    }

    @Test
    void aMissingOrWrongBearerTokenIsRefusedAndNothingSecretIsLogged() {
        CampaignRows.Text ids = rows.text("+447700900214", "hello", "QUEUED");
        String notificationId = java.util.UUID.randomUUID().toString();
        Map<String, Object> delivered = status(notificationId, "sms-" + ids.messageId(), "delivered");

        try (LogCapture logs = new LogCapture()) {
            assertThat(callback(null, delivered).code()).isEqualTo(401);
            assertThat(callback("Bearer not-the-token", delivered).code()).isEqualTo(401);
            assertThat(callback(CALLBACK_TOKEN, delivered).code()).isEqualTo(401);
            assertThat(callback("Bearer " + CALLBACK_TOKEN + "x", delivered).code()).isEqualTo(401);

            assertThat(logs.text()).contains("Rejected a Notify callback")
                    .doesNotContain("not-the-token").doesNotContain(CALLBACK_TOKEN).doesNotContain("+447700900299")
                    .doesNotContain(notificationId);
        }
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("QUEUED");
    }

    @Test
    void aCallbackForATextWeDoNotKnowIsAnsweredSoNotifyDoesNotRetryIt() {
        assertThat(callback("Bearer " + CALLBACK_TOKEN,
                status(java.util.UUID.randomUUID().toString(), "sms-987654321", "delivered")).code()).isEqualTo(204);
        assertThat(callback("Bearer " + CALLBACK_TOKEN,
                status(java.util.UUID.randomUUID().toString(), null, "delivered")).code()).isEqualTo(204);
    }

    @Test
    void theStockClientWouldHaveSentTheTextTwice() throws NotificationClientException {
        // Why BoundedNotificationClient streams its POSTs: with the client as it comes, the JDK writes the POST again
        // when the connection closes before an answer, and Notify, which has no idempotency key, sends two texts.
        fake.script("+447700900215", FakeNotify.Reply.createdThenDropped());
        NotificationClient stock = new NotificationClient(fake.apiKey(), fake.baseUrl());
        try {
            stock.sendSms(FakeNotify.TEMPLATE_ID, "+447700900215", Map.of("body", "hello"), "sms-1");
        } catch (NotificationClientException e) {
            // whether the second answer arrives does not matter here
        }
        assertThat(fake.textsTo("+447700900215")).hasSize(2);
    }
}
