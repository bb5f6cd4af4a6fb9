package io.uptake.outbox;

/**
 * Where a text is in its life, in the order it may move: a status never moves to one of lower or equal
 * rank, so duplicate, replayed and out-of-order provider callbacks, and a callback that overtakes the
 * send's own result, change nothing they should not. The dispatcher's own moves (a claim, a release, a
 * retry back to PENDING) are the only ones that go back, and only from SENDING, which the claim holds.
 */
public enum MessageStatus {
    PENDING(0), SENDING(1), UNKNOWN(2),
    /** Cancelled and skipped rank with UNKNOWN: if the provider reports such a text, it did go. */
    CANCELLED(2), SKIPPED(2),
    QUEUED(3), SENT(4),
    /** The three final statuses rank alike, so the first final status wins. */
    DELIVERED(5), UNDELIVERED(5), FAILED(5);

    private final int rank;

    MessageStatus(int rank) {
        this.rank = rank;
    }

    /** Whether a provider report of {@code next} moves this status forward. */
    public boolean movesForwardTo(MessageStatus next) {
        return next.rank > rank;
    }

    /** The text reached the provider (wave 1 of such a patient is an invitation that went). */
    public boolean handedOver() {
        return this == QUEUED || this == SENT || this == DELIVERED || this == UNDELIVERED;
    }
}
