package io.uptake.campaign;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.uptake.sms.SmsSender;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The campaign tests' channel: sends to {@link SentLog}, in this JVM or over HTTP from a child JVM. */
@Singleton
@Replaces(SmsSender.class)
@Requires(property = "spec.name", pattern = "Campaign.*")
@Requires(condition = RecordingSmsSender.NoTwilio.class)
class RecordingSmsSender implements SmsSender {
    /**
     * A campaign test that configures Twilio (e.g. against FakeTwilio) means the real adapter, not this one.
     * application.yml maps an unset TWILIO_ACCOUNT_SID to "", so presence alone says nothing.
     */
    static final class NoTwilio implements io.micronaut.context.condition.Condition {
        @Override
        @SuppressWarnings("rawtypes") // Condition.matches declares a raw ConditionContext (ADR 0016)
        public boolean matches(io.micronaut.context.condition.ConditionContext context) {
            return context.getProperty("twilio.account-sid", String.class).filter(s -> !s.isBlank()).isEmpty();
        }
    }

    private final String recorderUrl;
    private final String instance;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RecordingSmsSender(@Value("${uptake.test.recorder-url:}") String recorderUrl,
                       @Value("${uptake.test.instance:main}") String instance) {
        this.recorderUrl = recorderUrl;
        this.instance = instance;
    }

    @Override
    public SendResult send(OutboundSms sms) {
        if (recorderUrl.isEmpty()) {
            return SentLog.send(sms, instance);
        }
        String body = sms.messageId() + "\n" + sms.to() + "\n" + instance + "\n" + sms.body();
        try {
            String[] answer = http.send(HttpRequest.newBuilder(URI.create(recorderUrl + "/send"))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().split(" ");
            return new SendResult(SendResult.Outcome.valueOf(answer[0]), answer[1].equals("-") ? null : answer[1], null, null);
        } catch (IOException e) {
            return new SendResult(SendResult.Outcome.UNKNOWN, null, null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult(SendResult.Outcome.UNKNOWN, null, null, "interrupted");
        }
    }

    @Override
    public Optional<SendResult> reconcile(OutboundSms sms, Instant since) {
        if (recorderUrl.isEmpty()) {
            return SentLog.reconcile(sms.messageId());
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(recorderUrl + "/reconcile?m=" + sms.messageId()))
                    .GET().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 404 ? Optional.empty()
                    : Optional.of(new SendResult(SendResult.Outcome.ACCEPTED, r.body(), null, "reconciled"));
        } catch (IOException e) {
            return Optional.of(new SendResult(SendResult.Outcome.UNKNOWN, null, null, "could not ask"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new SendResult(SendResult.Outcome.UNKNOWN, null, null, "interrupted"));
        }
    }

    /** The recording provider keeps our message id with each text it took. */
    @Override
    public boolean reconcilesByOwnId() {
        return true;
    }

    @Override
    public String channel() {
        return "recording";
    }
}
