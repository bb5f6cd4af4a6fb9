package io.uptake.sms;

import com.twilio.http.TwilioRestClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.SmsSender.OutboundSms;
import io.uptake.sms.SmsSender.SendResult;
import io.uptake.sms.SmsSender.SendResult.Outcome;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The real twilio-java SDK, through our client, against a local fake Twilio. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwilioSmsSenderTest implements TestPropertyProvider {
    static final String ACCOUNT = "ACtest";
    static final String TOKEN = "test-auth-token";
    static final String SERVICE = "MGtest";
    static final String PUBLIC_URL = "https://uptake.example.nhs.uk";

    final FakeTwilio fake = FakeTwilio.start();

    @Inject
    SmsSender sender;
    @Inject
    MessageStatusService statuses;
    @Inject
    OptOutLedger optOuts;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry meters;

    @Inject
    Clock clock;

    CampaignRows rows;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "twilio.account-sid", ACCOUNT,
                "twilio.auth-token", TOKEN,
                "twilio.messaging-service-sid", SERVICE,
                "twilio.api-base-url", fake.baseUrl(),
                "uptake.public-url", PUBLIC_URL,
                "uptake.sms.twilio.read-timeout", "1s");
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

    @Test
    void twilioIsTheChannelWhenCredentialsAreSet() {
        assertThat(sender.channel()).isEqualTo("twilio");
    }

    @Test
    void sendsToBodyServiceAndOurStatusCallbackOnce() {
        String to = "+447700900101";
        CampaignRows.Text ids = rows.text(to, "Please return your FIT kit. Reply STOP to opt out.");

        long timedBefore = sendsTimed("ACCEPTED");

        SendResult result = sender.send(outbound(ids, to, "Please return your FIT kit. Reply STOP to opt out."));

        assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(sendsTimed("ACCEPTED")).isEqualTo(timedBefore + 1);
        assertThat(result.providerSid()).startsWith("SM");
        assertThat(fake.creates()).hasSize(1);
        FakeTwilio.Recorded request = fake.creates().get(0);
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/ACtest/Messages.json");
        assertThat(request.params()).containsEntry("To", to)
                .containsEntry("Body", "Please return your FIT kit. Reply STOP to opt out.")
                .containsEntry("MessagingServiceSid", SERVICE)
                .containsEntry("StatusCallback", PUBLIC_URL + "/webhooks/twilio/status?m=" + ids.messageId())
                .doesNotContainKey("From");

        assertThat(statuses.applySendResult(ids.messageId(), result)).isEqualTo(MessageStatusService.Applied.CHANGED);
        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("QUEUED");
        assertThat(state.providerSid()).isEqualTo(result.providerSid());
        assertThat(state.sentAt()).isNotNull();
    }

    @Test
    void unsubscribedRecipientIsOptedOutAndRecordedInTheLedger() {
        String to = "+447700900102";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeTwilio.Reply.unsubscribed());

        SendResult result = sender.send(outbound(ids, to, "hello"));

        assertThat(result.outcome()).isEqualTo(Outcome.OPTED_OUT);
        assertThat(result.errorCode()).isEqualTo("21610");
        assertThat(optOuts.isOptedOut(ids.patientId())).isFalse();
        statuses.applySendResult(ids.messageId(), result);
        assertThat(optOuts.isOptedOut(ids.patientId())).isTrue();
        assertThat(optOuts.isNumberOptedOut(to)).isTrue();
        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("FAILED");
        assertThat(state.errorCode()).isEqualTo("21610");
        assertThat(fake.creates()).hasSize(1);
    }

    @Test
    void notAMobileAndInvalidNumbersFailPermanently() {
        String landline = "+447700900103";
        String invalid = "+447700900104";
        CampaignRows.Text a = rows.text(landline, "hello");
        CampaignRows.Text b = rows.text(invalid, "hello");
        fake.script(landline, FakeTwilio.Reply.notMobile());
        fake.script(invalid, FakeTwilio.Reply.invalidNumber());

        SendResult notMobile = sender.send(outbound(a, landline, "hello"));
        SendResult notValid = sender.send(outbound(b, invalid, "hello"));

        assertThat(notMobile.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(notMobile.errorCode()).isEqualTo("21614");
        assertThat(notValid.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(notValid.errorCode()).isEqualTo("21211");
        statuses.applySendResult(a.messageId(), notMobile);
        assertThat(rows.state(a.messageId()).status()).isEqualTo("FAILED");
        assertThat(rows.state(a.messageId()).reason()).contains("not a mobile number");
        assertThat(optOuts.isOptedOut(a.patientId())).isFalse();
        assertThat(fake.creates()).hasSize(2);
    }

    @Test
    void tooManyRequestsIsRetryableAndTheSdkDoesNotResendByItself() {
        String to = "+447700900105";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeTwilio.Reply.tooManyRequests());

        SendResult first = sender.send(outbound(ids, to, "hello"));
        assertThat(first.outcome()).isEqualTo(Outcome.RETRYABLE);
        assertThat(first.errorCode()).isEqualTo("20429");
        assertThat(fake.createsTo(to)).hasSize(1);
        assertThat(statuses.applySendResult(ids.messageId(), first)).isEqualTo(MessageStatusService.Applied.UNCHANGED);

        SendResult second = sender.send(outbound(ids, to, "hello"));
        assertThat(second.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(fake.createsTo(to)).hasSize(2);
    }

    @Test
    void refusedCredentialsAreTheSendersFaultNotTheMessages() {
        String to = "+447700900106";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeTwilio.Reply.error(401, 20003, "Authenticate"));

        SendResult refused = sender.send(outbound(ids, to, "hello"));
        assertThat(refused.outcome()).isEqualTo(Outcome.SENDER_UNAVAILABLE);
        assertThat(refused.errorCode()).isEqualTo("20003");
        assertThat(refused.detail()).contains("TWILIO_AUTH_TOKEN");
        assertThat(fake.createsTo(to)).hasSize(1);
        // Rescheduling without spending an attempt is the dispatcher's (CampaignScheduleTest); the row is untouched.
        String before = rows.state(ids.messageId()).status();
        assertThat(statuses.applySendResult(ids.messageId(), refused)).isEqualTo(MessageStatusService.Applied.UNCHANGED);
        assertThat(rows.state(ids.messageId()).status()).isEqualTo(before);
    }

    @Test
    void serviceUnavailableIsRetryableWithOneRequestAndNothingToReconcile() {
        String to = "+447700900106";
        CampaignRows.Text ids = rows.text(to, "hello");
        fake.script(to, FakeTwilio.Reply.unavailable());
        Instant start = Instant.now();

        SendResult result = sender.send(outbound(ids, to, "hello"));

        assertThat(result.outcome()).isEqualTo(Outcome.RETRYABLE);
        // The SDK would repeat a 5xx three times and Apache HttpClient a 503 once more.
        assertThat(fake.createsTo(to)).hasSize(1);
        assertThat(sender.reconcile(outbound(ids, to, "hello"), start)).isEmpty();
    }

    @Test
    void timeoutAfterTheRequestWasWrittenIsUnknownAndReconcileFindsTheText() {
        String to = "+447700900107";
        CampaignRows.Text ids = rows.text(to, "Your bowel screening kit");
        fake.script(to, FakeTwilio.Reply.createdButSlow(Duration.ofSeconds(3)));
        Instant start = Instant.now();

        SendResult result = sender.send(outbound(ids, to, "Your bowel screening kit"));

        assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(fake.createsTo(to)).hasSize(1);
        statuses.applySendResult(ids.messageId(), result);
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("UNKNOWN");

        Optional<SendResult> reconciled = sender.reconcile(outbound(ids, to, "Your bowel screening kit"), start);

        assertThat(reconciled).isPresent();
        assertThat(reconciled.get().outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(reconciled.get().providerSid()).isEqualTo(fake.messages().get(0).get("sid"));
        statuses.applySendResult(ids.messageId(), reconciled.get());
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("QUEUED");
        assertThat(rows.state(ids.messageId()).providerSid()).isEqualTo(reconciled.get().providerSid());
        // Reconcile only read: still exactly one text.
        assertThat(fake.createsTo(to)).hasSize(1);
    }

    @Test
    void reconcileFindsATextStillQueuedWithoutADateSentAndWithAnOptOutLineAdded() {
        String to = "+447700900108";
        CampaignRows.Text ids = rows.text(to, "queued text");
        fake.listQueuedWithoutDateSent(true).appendToBodies(" Reply STOP to unsubscribe.");
        fake.script(to, FakeTwilio.Reply.createdButSlow(Duration.ofSeconds(3)));
        Instant start = Instant.now();
        assertThat(sender.send(outbound(ids, to, "queued text")).outcome()).isEqualTo(Outcome.UNKNOWN);

        Optional<SendResult> reconciled = sender.reconcile(outbound(ids, to, "queued text"), start);

        assertThat(reconciled).map(SendResult::outcome).contains(Outcome.ACCEPTED);
    }

    @Test
    void reconcileDoesNotMistakeAnotherTextToTheSameNumber() {
        String to = "+447700900109";
        CampaignRows.Text first = rows.text(to, "first text");
        Instant start = Instant.now();
        assertThat(sender.send(outbound(first, to, "first text")).outcome()).isEqualTo(Outcome.ACCEPTED);

        assertThat(sender.reconcile(new OutboundSms(first.messageId() + 1000, to, "a different text", null), start))
                .isEmpty();
    }

    /**
     * Two of our messages with one body to one number (two campaigns on one template, a shared family phone):
     * the first went and is recorded with its provider id; the second timed out before Twilio took it. Twilio's
     * list then shows one matching text, the first's, and adopting it would record one text on two messages
     * (provider_sid is unique) and call the second sent when it never went.
     */
    @ParameterizedTest(name = "queued texts listed without DateSent: {0}")
    @ValueSource(booleans = {false, true})
    void reconcileNeverAdoptsATextAlreadyRecordedOnAnotherMessage(boolean listedWithoutDateSent) {
        String to = "+447700900112";
        String body = "Your bowel screening kit is on its way. Reply STOP to opt out.";
        fake.listQueuedWithoutDateSent(listedWithoutDateSent);
        CampaignRows.Text first = rows.text(to, body);
        CampaignRows.Text second = rows.text(to, body);
        Instant start = Instant.now();
        SendResult firstSent = sender.send(outbound(first, to, body));
        assertThat(firstSent.outcome()).isEqualTo(Outcome.ACCEPTED);
        statuses.applySendResult(first.messageId(), firstSent);
        assertThat(rows.state(first.messageId()).providerSid()).isEqualTo(firstSent.providerSid());
        statuses.applySendResult(second.messageId(), new SendResult(Outcome.UNKNOWN, null, null, "read timeout"));

        assertThat(sender.reconcile(outbound(second, to, body), start)).isEmpty();

        // Once Twilio does hold the second's text, that one is found, and the first's still is not.
        fake.script(to, FakeTwilio.Reply.createdButSlow(Duration.ofSeconds(3)));
        assertThat(sender.send(outbound(second, to, body)).outcome()).isEqualTo(Outcome.UNKNOWN);
        String secondSid = fake.messages().stream().map(m -> (String) m.get("sid"))
                .filter(sid -> !sid.equals(firstSent.providerSid())).findFirst().orElseThrow();
        Optional<SendResult> reconciled = sender.reconcile(outbound(second, to, body), start);
        assertThat(reconciled).map(SendResult::providerSid).contains(secondSid);
        assertThat(statuses.applySendResult(second.messageId(), reconciled.get()))
                .isEqualTo(MessageStatusService.Applied.CHANGED);
        assertThat(rows.state(second.messageId()).providerSid()).isEqualTo(secondSid);
        assertThat(fake.createsTo(to)).hasSize(2);
    }

    /** The check is "on another message": a text already recorded on this very message is still this one's. */
    @Test
    void reconcileStillFindsATextRecordedOnTheSameMessage() {
        String to = "+447700900113";
        CampaignRows.Text ids = rows.text(to, "hello again");
        Instant start = Instant.now();
        SendResult sent = sender.send(outbound(ids, to, "hello again"));
        statuses.applySendResult(ids.messageId(), sent);

        assertThat(sender.reconcile(outbound(ids, to, "hello again"), start)).map(SendResult::providerSid)
                .contains(sent.providerSid());
    }

    /**
     * Among matching texts on none of our messages, the oldest is taken: ours was created at our attempt,
     * while a newer look-alike is likelier another message's that is handed over but not yet recorded. That holds
     * across both listings: our text still queued (no DateSent, so only the second listing has it) wins over a
     * newer look-alike that has been sent (which the DateSent listing shows).
     */
    @ParameterizedTest(name = "our text still queued: {0}")
    @ValueSource(booleans = {false, true})
    void reconcileTakesTheOldestOfSeveralUnrecordedMatches(boolean oursStillQueued) {
        Instant attempt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        io.uptake.testsupport.TestClock providerClock = new io.uptake.testsupport.TestClock(attempt,
                java.time.ZoneOffset.UTC);
        String to = oursStillQueued ? "+447700900115" : "+447700900114";
        String body = "Your appointment reminder";
        CampaignRows.Text ours = rows.text(to, body);
        CampaignRows.Text other = rows.text(to, body);
        try (FakeTwilio clocked = FakeTwilio.start(2, providerClock);
             TwilioHttpClient http = new TwilioHttpClient(Duration.ofSeconds(2), Duration.ofSeconds(2),
                     Duration.ofSeconds(2), 2, clocked.baseUrl())) {
            TwilioRestClient client = new TwilioRestClient.Builder(ACCOUNT, TOKEN).httpClient(http).build();
            TwilioSmsSender withDatabase = new TwilioSmsSender(client, SERVICE, "", Duration.ofMinutes(2),
                    new SmsMetrics(new SimpleMeterRegistry()), new MessageProviderSids(dataSource));
            // Both answers are "lost": neither provider id reaches our rows.
            String oursSid = withDatabase.send(outbound(ours, to, body)).providerSid();
            if (oursStillQueued) {
                clocked.stillQueued(oursSid);
            }
            providerClock.advance(Duration.ofSeconds(40));
            String otherSid = withDatabase.send(outbound(other, to, body)).providerSid();
            assertThat(otherSid).isNotEqualTo(oursSid);

            assertThat(withDatabase.reconcile(outbound(ours, to, body), attempt)).map(SendResult::providerSid)
                    .contains(oursSid);
        }
    }

    private long sendsTimed(String outcome) {
        Timer timer = meters.find("uptake.sms.send").tags("channel", "twilio", "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void sendsFromTheConfiguredNumberWhenThereIsNoMessagingService() {
        try (TwilioHttpClient http = new TwilioHttpClient(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(2), 2, fake.baseUrl())) {
            TwilioRestClient client = new TwilioRestClient.Builder(ACCOUNT, TOKEN).httpClient(http).build();
            TwilioSmsSender fromNumber = new TwilioSmsSender(client, "", "+447700900999", Duration.ofMinutes(2),
                    new SmsMetrics(new SimpleMeterRegistry()), (id, sids) -> java.util.Set.of());

            SendResult result = fromNumber.send(new OutboundSms(1, "+447700900111", "hello", null));

            assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(fake.createsTo("+447700900111")).singleElement().satisfies(r -> assertThat(r.params())
                    .containsEntry("From", "+447700900999").doesNotContainKey("MessagingServiceSid"));
        }
    }

    @Test
    void connectionRefusedIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TwilioHttpClient http = new TwilioHttpClient(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(2), 2, "http://localhost:" + closedPort)) {
            TwilioRestClient client = new TwilioRestClient.Builder(ACCOUNT, TOKEN).httpClient(http).build();
            TwilioSmsSender refused = new TwilioSmsSender(client, SERVICE, "", Duration.ofMinutes(2),
                    new SmsMetrics(new SimpleMeterRegistry()), (id, sids) -> java.util.Set.of());

            SendResult result = refused.send(new OutboundSms(1, "+447700900110", "hello", null));

            assertThat(result.outcome()).isEqualTo(Outcome.RETRYABLE);
            // Nor can it reconcile: that is "still unknown", never "absent".
            assertThat(refused.reconcile(new OutboundSms(1, "+447700900110", "hello", null), Instant.now()))
                    .map(SendResult::outcome).contains(Outcome.UNKNOWN);
        }
    }
}
