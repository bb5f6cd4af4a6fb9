package io.uptake.reply;

import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.optout.PatientOptOuts;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * The inbox's one-click confirm of a reply that reads as an opt-out: the opt-out goes through the opt-out feature
 * ({@link PatientOptOuts#confirmFromReply}, which cancels the patient's queued texts through
 * {@code outbox/Schedule}), and the item is done with the outcome OPTED_OUT, all in one transaction. The inbox page
 * ({@code POST /ui/inbox/{id}/confirm-opt-out}) and the API ({@code POST /api/inbox/{id}/confirm-opt-out}) both
 * come here, so they refuse, record and audit alike.
 */
@Singleton
class ReplyOptOuts {
    enum Refusal { NOT_FOUND, ALREADY_CONFIRMED, NOT_LIKELY_OPT_OUT, NO_PATIENT, SHARED_NUMBER, ALREADY_OPTED_OUT }

    /** Either what was done, or why not. */
    record Result(Optional<PatientOptOuts.Confirmed> confirmed, Optional<Refusal> refusal) {
        static Result refused(Refusal why) {
            return new Result(Optional.empty(), Optional.of(why));
        }
    }

    private final Inbox inbox;
    private final PatientOptOuts optOuts;
    private final AuditLog audit;

    ReplyOptOuts(Inbox inbox, PatientOptOuts optOuts, AuditLog audit) {
        this.inbox = inbox;
        this.optOuts = optOuts;
        this.audit = audit;
    }

    @Transactional
    Result confirm(CurrentUser user, long inboundId) {
        // Two CCCs (or a double click, or a client's retry) confirming the same reply at once: the second waits here
        // and then finds it confirmed, so it records nothing (the check below reads what the first committed).
        if (!inbox.lock(inboundId)) {
            return Result.refused(Refusal.NOT_FOUND);
        }
        Optional<Inbox.Item> found = inbox.find(user, inboundId);
        if (found.isEmpty()) {
            return Result.refused(Refusal.NOT_FOUND);
        }
        Inbox.Item item = found.get();
        if (Inbox.Outcome.OPTED_OUT.name().equals(item.outcome())) {
            return Result.refused(Refusal.ALREADY_CONFIRMED);
        }
        if (item.patient() == null) {
            return Result.refused(Refusal.NO_PATIENT);
        }
        if (!item.likelyOptOut()) {
            return Result.refused(Refusal.NOT_LIKELY_OPT_OUT);
        }
        if (item.sharedNumber()) {
            return Result.refused(Refusal.SHARED_NUMBER);
        }
        if (item.patient().optedOut()) {
            return Result.refused(Refusal.ALREADY_OPTED_OUT);
        }
        Optional<PatientOptOuts.Confirmed> confirmed = optOuts.confirmFromReply(user, item.patient().id(), inboundId);
        if (confirmed.isEmpty()) {
            return Result.refused(Refusal.NOT_FOUND);
        }
        if (inbox.markDone(inboundId, Inbox.Outcome.OPTED_OUT, null, user)) {
            audit.recordForPractices(user, List.of(item.patient().practiceCode()), "INBOX_DONE", "inbound:" + inboundId,
                    Inbox.Outcome.OPTED_OUT.name());
        }
        return new Result(confirmed, Optional.empty());
    }

    /** What was done, in the CCC's words. */
    static String sentence(PatientOptOuts.Confirmed done) {
        return "Opt-out recorded. " + switch (done.cancelled()) {
            case 0 -> "They had no texts waiting to be sent.";
            case 1 -> "1 text waiting to be sent was cancelled.";
            default -> done.cancelled() + " texts waiting to be sent were cancelled.";
        };
    }

    /** The refusal in the CCC's words. */
    static String sentence(Refusal refusal) {
        return switch (refusal) {
            case NOT_FOUND -> "No such inbox item.";
            case ALREADY_CONFIRMED -> "This reply has already been confirmed as an opt-out: the patient is already"
                    + " opted out, and nothing more was recorded.";
            case NO_PATIENT -> "No patient was matched to this number, so there is no one to opt out.";
            case NOT_LIKELY_OPT_OUT -> "This reply does not read as an opt-out. If the patient asked on the phone, use"
                    + " \"Opt-out taken by phone\".";
            case SHARED_NUMBER -> "This mobile is shared, so we cannot tell who wrote it. Call to ask, then use"
                    + " \"Opt-out taken by phone\" for the patient who asked.";
            case ALREADY_OPTED_OUT -> "This patient is already opted out.";
        };
    }
}
