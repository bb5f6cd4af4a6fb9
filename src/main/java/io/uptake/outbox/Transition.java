package io.uptake.outbox;

import java.time.Instant;
import java.util.Objects;

/**
 * What a claim's holder writes back for one message it claimed, as a named kind rather than a row of
 * nullable columns (after river's JobSetStateCompleted / JobSetStateErrorRetryable). {@link Outcomes#record}
 * applies it only while the claim is still the writer's, and a status a provider callback already moved
 * on from SENDING is kept.
 */
public sealed interface Transition {
    long id();

    /** Back to PENDING as before the claim, due again at {@code until} (null: as it was). */
    record Release(long id, Instant until) implements Transition {
    }

    /** Not sent, for a reason a person can read: CANCELLED or SKIPPED. */
    record Stop(long id, MessageStatus status, String reason) implements Transition {
        public Stop {
            if (status != MessageStatus.CANCELLED && status != MessageStatus.SKIPPED) {
                throw new IllegalArgumentException("A stopped message is CANCELLED or SKIPPED, not " + status);
            }
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The provider took the text (QUEUED), by its answer to our send. */
    record Accepted(long id, String providerSid, String body, int segments, Instant sentAt, Instant attemptedAt)
            implements Transition {
    }

    /** Back to PENDING, due at {@code dueAt}; {@code addAttempts} is 1 for a spent attempt, 0 for a wait. */
    record Retry(long id, String reason, String errorCode, Instant dueAt, int addAttempts, Instant attemptedAt)
            implements Transition {
    }

    /** FAILED for good; the body is kept when the text was rendered. */
    record Failed(long id, String reason, String errorCode, String body, Integer segments, int addAttempts,
                  Instant attemptedAt) implements Transition {
    }

    /** It may have gone: UNKNOWN, for the reconciler from {@code reconcileAt}; nothing resends it meanwhile. */
    record Unknown(long id, String reason, String errorCode, String body, Integer segments, Instant reconcileAt,
                   Instant attemptedAt) implements Transition {
    }

    static Transition release(long id) {
        return new Release(id, null);
    }

    static Transition releaseUntil(long id, Instant until) {
        return new Release(id, Objects.requireNonNull(until, "until"));
    }

    static Transition cancel(long id, String reason) {
        return new Stop(id, MessageStatus.CANCELLED, reason);
    }

    static Transition skip(long id, String reason) {
        return new Stop(id, MessageStatus.SKIPPED, reason);
    }

    static Transition accepted(long id, String providerSid, String body, int segments, Instant sentAt,
                               Instant attemptedAt) {
        return new Accepted(id, providerSid, body, segments, sentAt, attemptedAt);
    }

    /** A spent attempt, due again after the backoff. */
    static Transition retry(long id, String reason, String errorCode, Instant dueAt, Instant attemptedAt) {
        return new Retry(id, reason, errorCode, Objects.requireNonNull(dueAt, "dueAt"), 1, attemptedAt);
    }

    /** Waits as it was, due when it was due, without spending an attempt (the provider refused the service). */
    static Transition waitForProvider(long id, String reason, String errorCode, Instant attemptedAt) {
        return new Retry(id, reason, errorCode, null, 0, attemptedAt);
    }

    static Transition failed(long id, String reason, String errorCode, String body, Integer segments,
                             Instant attemptedAt) {
        return new Failed(id, reason, errorCode, body, segments, 0, attemptedAt);
    }

    /** The last allowed attempt failed too. */
    static Transition gaveUp(long id, String reason, String errorCode, String body, Integer segments,
                             Instant attemptedAt) {
        return new Failed(id, reason, errorCode, body, segments, 1, attemptedAt);
    }

    static Transition unknown(long id, String reason, String errorCode, String body, Integer segments,
                              Instant reconcileAt, Instant attemptedAt) {
        return new Unknown(id, reason, errorCode, body, segments, Objects.requireNonNull(reconcileAt), attemptedAt);
    }
}
