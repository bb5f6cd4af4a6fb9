package io.uptake.campaign;

import io.uptake.outbox.Claimed;
import io.uptake.outbox.Reconciliations.Finding;
import io.uptake.outbox.Transition;
import io.uptake.sms.SmsSender.SendResult;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a provider's answer makes of a claimed text, as a pure rule (compare db-scheduler's FailureHandler).
 * The provider took it: QUEUED. Not taken but worth another try: PENDING after the backoff, or FAILED once
 * the attempts are spent. The provider refused this service, not this text: PENDING as it was, no attempt
 * spent. Never deliverable, or unsubscribed at the carrier: FAILED. No answer after the text left: UNKNOWN,
 * for the reconciler, and what a reconcile finds is a {@link Finding}. The side effects of an answer (the
 * sender pause, the opt-out ledger) are the dispatcher's.
 */
final class SendOutcomes {
    /** Twilio's "Attempt to send to unsubscribed recipient". */
    static final String UNSUBSCRIBED = "21610";

    private final RetryPolicy retries;
    private final Duration reconcileAfter;

    SendOutcomes(RetryPolicy retries, Duration reconcileAfter) {
        this.retries = retries;
        this.reconcileAfter = reconcileAfter;
    }

    /** The answer to our send, made at {@code attempt}. */
    Transition afterSend(Claimed m, SendResult r, String body, int segments, Instant now, Instant attempt) {
        return after(m, r, body, segments, now, attempt);
    }

    /** Why a text that reconciliation found never went is PENDING again. */
    static final String NEVER_WENT = "reconciled: the provider has no such text, so it is checked again like a"
            + " first send";

    /**
     * What the provider's answer to a reconcile makes of an UNKNOWN text: found, QUEUED with the provider's id;
     * none, PENDING again (every send check runs at the next claim); could not ask, UNKNOWN, asked again later.
     */
    Finding afterReconcile(Optional<SendResult> answer, String body, int segments, Instant now) {
        if (answer.isEmpty()) {
            return new Finding.NeverWent(NEVER_WENT);
        }
        SendResult r = answer.get();
        if (r.outcome() == SendResult.Outcome.ACCEPTED && r.providerSid() != null) {
            return new Finding.Found(r.providerSid(), body, segments);
        }
        return reconcileFailed(r.detail() == null ? r.outcome().name() : r.detail(), now);
    }

    /** The text could not be rendered: nothing was sent, and nothing will be until someone fixes it. */
    static Transition unrenderable(Claimed m, String why) {
        return Transition.failed(m.id(), "cannot render the " + m.templateKey() + " text in " + m.language() + ": "
                + why, "RENDER", null, null, null);
    }

    /** The send may have happened but we have no answer (the worker died or the sender threw). */
    Transition unanswered(Claimed m, String why, Instant now) {
        return Transition.unknown(m.id(), "outcome unknown: " + why, null, null, null, now.plus(reconcileAfter), null);
    }

    /** Asking the provider failed: try again later, never resend meanwhile. */
    Finding reconcileFailed(String why, Instant now) {
        return new Finding.AskAgain("reconciliation failed: " + why, now.plus(reconcileAfter));
    }

    private Transition after(Claimed m, SendResult r, String body, int segments, Instant now, Instant attempt) {
        String detail = r.detail() == null ? "" : ": " + r.detail();
        return switch (r.outcome()) {
            case ACCEPTED -> Transition.accepted(m.id(), r.providerSid(), body, segments, now, attempt);
            case RETRYABLE -> {
                int attempts = m.attempts() + 1;
                if (retries.exhausted(attempts)) {
                    yield Transition.gaveUp(m.id(), "gave up after " + attempts + " attempts" + detail, r.errorCode(),
                            body, segments, attempt);
                }
                yield Transition.retry(m.id(), "retrying" + detail, r.errorCode(),
                        now.plus(retries.backoff(attempts)), attempt);
            }
            // Every text would fail the same way until someone fixes the configuration: the text waits as it
            // was, due when it was due, without spending this patient's attempts. Its due time is untouched, so
            // an outage longer than the catch-up limit skips it, as any other downtime would.
            case SENDER_UNAVAILABLE -> Transition.waitForProvider(m.id(),
                    "waiting: the SMS provider refused this service" + detail, r.errorCode(), attempt);
            case PERMANENT_FAILURE -> Transition.failed(m.id(), "permanent failure" + detail, r.errorCode(), body,
                    segments, attempt);
            case OPTED_OUT -> Transition.failed(m.id(), "recipient has unsubscribed at the provider" + detail,
                    r.errorCode() == null ? UNSUBSCRIBED : r.errorCode(), body, segments, attempt);
            case UNKNOWN -> Transition.unknown(m.id(), "outcome unknown, to reconcile before any resend" + detail,
                    r.errorCode(), body, segments, now.plus(reconcileAfter), attempt);
        };
    }
}
