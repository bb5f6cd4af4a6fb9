package io.uptake.campaign;

import io.uptake.outbox.Claimed;
import io.uptake.outbox.MessageStatus;
import io.uptake.outbox.Transition;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a claimed text may go now, as a pure rule over what the claim read (no database, no clock of its
 * own): send it, release it (until a time), cancel it or skip it with a reason a CCC can read. Only PENDING
 * texts are claimed; one that reconciliation found never went is PENDING again, so all of this runs again.
 */
final class SendEligibility {
    private SendEligibility() {
    }

    /** The reason a text stopped because the patient died (an event of {@code deceased-event-types}). */
    static final String DECEASED = StopReasons.DECEASED;
    /** The reason a text stopped because a later import moved the patient to another PCN's practice. */
    static final String NOT_REGISTERED = StopReasons.NOT_REGISTERED;

    /**
     * What the rule looks at; {@code nextOpen} matters only when the window is closed. {@code registeredElsewhere}:
     * the patient's practice on record is no longer one of the campaign's PCN.
     */
    record Facts(String campaignStatus, boolean windowOpen, Instant nextOpen, Instant dueAt,
                 int wave, boolean optedOut, boolean deceased, String conversion, MessageStatus previousStatus,
                 boolean registeredElsewhere) {

        Facts(String campaignStatus, boolean windowOpen, Instant nextOpen, Instant dueAt, int wave, boolean optedOut,
              boolean deceased, String conversion, MessageStatus previousStatus) {
            this(campaignStatus, windowOpen, nextOpen, dueAt, wave, optedOut, deceased, conversion, previousStatus,
                    false);
        }

        /** The facts of a claimed message whose campaign window is (not) open; {@code nextOpen} when it is not. */
        static Facts of(Claimed m, boolean windowOpen, Instant nextOpen) {
            Claimed.Context c = m.context();
            return new Facts(c.campaignStatus(), windowOpen, nextOpen, m.dueAt(), m.wave(), c.optedOut(),
                    c.deceased(), c.conversion(), c.previousStatus(), c.registeredElsewhere());
        }
    }

    sealed interface Decision {
        /** What to record instead of a send; only for decisions that are not {@link Send}. */
        default Transition transition(long id) {
            throw new IllegalStateException(this + " records no transition of its own");
        }
    }

    /** May go now. */
    record Send() implements Decision {
    }

    /** Not now: back to what it was, due again at {@code until} (null: when it was due). */
    record Release(Instant until) implements Decision {
        @Override
        public Transition transition(long id) {
            return until == null ? Transition.release(id) : Transition.releaseUntil(id, until);
        }
    }

    /** Never, for this reason. */
    record Cancel(String reason) implements Decision {
        @Override
        public Transition transition(long id) {
            return Transition.cancel(id, reason);
        }
    }

    /** Too late to send, for this reason. */
    record Skip(String reason) implements Decision {
        @Override
        public Transition transition(long id) {
            return Transition.skip(id, reason);
        }
    }

    static final Decision SEND = new Send();
    /** A reminder waits this long for its invitation's outcome (e.g. one still being reconciled). */
    static final Duration WAIT_FOR_EARLIER_WAVE = Duration.ofMinutes(1);

    /** The campaign, its window and the catch-up limit, then the patient. */
    static Decision atClaim(Facts f, Instant now, Duration catchUpLimit) {
        if (!"SENDING".equals(f.campaignStatus())) {
            return new Release(null);
        }
        if (!f.windowOpen()) {
            return new Release(f.nextOpen());
        }
        if (Duration.between(f.dueAt(), now).compareTo(catchUpLimit) > 0) {
            return new Skip("missed: due " + f.dueAt() + ", more than the catch-up limit of "
                    + catchUpLimit.toHours() + "h ago");
        }
        return forPatient(f, now);
    }

    /** Opt-out, death, registration, conversion and the earlier wave. */
    static Decision forPatient(Facts f, Instant now) {
        if (f.optedOut()) {
            return new Cancel("opted out");
        }
        if (f.deceased()) {
            return new Cancel(DECEASED);
        }
        if (f.registeredElsewhere()) {
            // A later import registered the patient with another PCN's practice: the text would name a practice
            // that is no longer theirs (hazard H-007). That import's commit cancels such texts already
            // (CampaignImportStops); this catches one claimed in between.
            return new Cancel(NOT_REGISTERED);
        }
        if (f.conversion() != null) {
            return new Cancel("converted: " + f.conversion());
        }
        if (f.wave() > 1 && f.previousStatus() != null) {
            return switch (f.previousStatus()) {
                case FAILED -> new Cancel(WaveChannelPolicy.EARLIER_TEXT_FAILED);
                case CANCELLED, SKIPPED -> new Cancel("earlier message was not sent");
                case PENDING, SENDING, UNKNOWN -> new Release(now.plus(WAIT_FOR_EARLIER_WAVE));
                case QUEUED, SENT, DELIVERED, UNDELIVERED -> SEND;
            };
        }
        return SEND;
    }
}
