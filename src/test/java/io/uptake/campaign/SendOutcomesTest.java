package io.uptake.campaign;

import io.uptake.outbox.Claimed;
import io.uptake.outbox.Reconciliations.Finding;
import io.uptake.outbox.Transition;
import io.uptake.sms.SmsSender.SendResult;
import io.uptake.sms.SmsSender.SendResult.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every provider answer as a row: what it makes of the text. No context, no database, no provider. */
class SendOutcomesTest {
    static final Instant NOW = Instant.parse("2026-03-02T10:00:05Z");
    static final Instant ATTEMPT = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration RECONCILE_AFTER = Duration.ofSeconds(30);
    static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(30));
    static final SendOutcomes OUTCOMES = new SendOutcomes(RETRIES, RECONCILE_AFTER);
    static final String BODY = "Hello";

    static Claimed claimed(int attempts) {
        return new Claimed(42, 1, 2, 3, 1, "initial", "+447700900001", "en", ATTEMPT, null, attempts,
                new Claimed.Context("SENDING", "BOWEL", "9990000018", false, false, null, null, null));
    }

    static Stream<Arguments> afterSend() {
        return Stream.of(
                Arguments.of("accepted", 0, new SendResult(Outcome.ACCEPTED, "SM1", null, null),
                        new Transition.Accepted(42, "SM1", BODY, 1, NOW, ATTEMPT)),
                Arguments.of("retryable, first failure: backoff base", 0,
                        new SendResult(Outcome.RETRYABLE, null, "429", "too many requests"),
                        new Transition.Retry(42, "retrying: too many requests", "429", NOW.plusSeconds(30), 1, ATTEMPT)),
                Arguments.of("retryable, second failure: doubled", 1,
                        new SendResult(Outcome.RETRYABLE, null, null, null),
                        new Transition.Retry(42, "retrying", null, NOW.plusSeconds(60), 1, ATTEMPT)),
                Arguments.of("retryable, last attempt: gave up", 2,
                        new SendResult(Outcome.RETRYABLE, null, "503", "unavailable"),
                        new Transition.Failed(42, "gave up after 3 attempts: unavailable", "503", BODY, 1, 1, ATTEMPT)),
                Arguments.of("sender unavailable: waits as it was, no attempt spent", 2,
                        new SendResult(Outcome.SENDER_UNAVAILABLE, null, "20003", "authenticate"),
                        new Transition.Retry(42, "waiting: the SMS provider refused this service: authenticate",
                                "20003", null, 0, ATTEMPT)),
                Arguments.of("permanent failure", 0,
                        new SendResult(Outcome.PERMANENT_FAILURE, null, "21211", "invalid number"),
                        new Transition.Failed(42, "permanent failure: invalid number", "21211", BODY, 1, 0, ATTEMPT)),
                Arguments.of("opted out at the carrier, code given", 0,
                        new SendResult(Outcome.OPTED_OUT, null, "21610", null),
                        new Transition.Failed(42, "recipient has unsubscribed at the provider", "21610", BODY, 1, 0,
                                ATTEMPT)),
                Arguments.of("opted out at the carrier, no code", 0, new SendResult(Outcome.OPTED_OUT, null, null, null),
                        new Transition.Failed(42, "recipient has unsubscribed at the provider", "21610", BODY, 1, 0,
                                ATTEMPT)),
                Arguments.of("unknown: reconcile before any resend", 0,
                        new SendResult(Outcome.UNKNOWN, null, null, "read timed out"),
                        new Transition.Unknown(42, "outcome unknown, to reconcile before any resend: read timed out",
                                null, BODY, 1, NOW.plus(RECONCILE_AFTER), ATTEMPT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void afterSend(String rule, int attemptsBefore, SendResult answer, Transition expected) {
        assertThat(OUTCOMES.afterSend(claimed(attemptsBefore), answer, BODY, 1, NOW, ATTEMPT))
                .isEqualTo(expected);
    }

    static Stream<Arguments> afterReconcile() {
        return Stream.of(
                Arguments.of("found: QUEUED with the provider's id", Optional.of(
                        new SendResult(Outcome.ACCEPTED, "SM9", null, "found by reconcile")),
                        new Finding.Found("SM9", BODY, 2)),
                Arguments.of("the provider has none: PENDING again, checked like a first send", Optional.empty(),
                        new Finding.NeverWent(SendOutcomes.NEVER_WENT)),
                Arguments.of("could not ask: asked again later, never resent meanwhile", Optional.of(
                        new SendResult(Outcome.UNKNOWN, null, null, "reconcile failed: SocketTimeoutException")),
                        new Finding.AskAgain("reconciliation failed: reconcile failed: SocketTimeoutException",
                                NOW.plus(RECONCILE_AFTER))),
                Arguments.of("an answer without a provider id is no finding", Optional.of(
                        new SendResult(Outcome.ACCEPTED, null, null, null)),
                        new Finding.AskAgain("reconciliation failed: ACCEPTED", NOW.plus(RECONCILE_AFTER))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void afterReconcile(String rule, Optional<SendResult> answer, Finding expected) {
        assertThat(OUTCOMES.afterReconcile(answer, BODY, 2, NOW)).isEqualTo(expected);
    }

    @Test
    void whatIsNotAProviderAnswer() {
        Claimed m = claimed(0);
        assertThat(SendOutcomes.unrenderable(m, "no such template"))
                .isEqualTo(new Transition.Failed(42, "cannot render the initial text in en: no such template", "RENDER",
                        null, null, 0, null));
        assertThat(OUTCOMES.unanswered(m, "the send was interrupted", NOW))
                .isEqualTo(new Transition.Unknown(42, "outcome unknown: the send was interrupted", null, null, null,
                        NOW.plus(RECONCILE_AFTER), null));
        assertThat(OUTCOMES.reconcileFailed("timeout", NOW))
                .isEqualTo(new Finding.AskAgain("reconciliation failed: timeout", NOW.plus(RECONCILE_AFTER)));
    }

    static Stream<Arguments> backoff() {
        return Stream.of(
                Arguments.of(0, Duration.ofSeconds(30)), Arguments.of(1, Duration.ofSeconds(30)),
                Arguments.of(2, Duration.ofSeconds(60)), Arguments.of(3, Duration.ofSeconds(120)),
                Arguments.of(6, Duration.ofSeconds(960)), Arguments.of(7, Duration.ofMinutes(30)),
                Arguments.of(100, Duration.ofMinutes(30)));
    }

    @ParameterizedTest(name = "after failure {0}: wait {1}")
    @MethodSource
    void backoff(int attempts, Duration wait) {
        assertThat(RETRIES.backoff(attempts)).isEqualTo(wait);
    }

    @Test
    void theAttemptsRunOutAtMaxAttempts() {
        assertThat(RETRIES.exhausted(2)).isFalse();
        assertThat(RETRIES.exhausted(3)).isTrue();
    }
}
