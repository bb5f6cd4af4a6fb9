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
 * {@code outbox/Schedule}), and the item is done with the outcome OPTED_OUT, all in one transaction.
 */
@Singleton
class ReplyOptOuts {
    enum Refusal { NOT_FOUND, NOT_LIKELY_OPT_OUT, NO_PATIENT, SHARED_NUMBER, ALREADY_OPTED_OUT }

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
        Optional<Inbox.Item> found = inbox.find(user, inboundId);
        if (found.isEmpty()) {
            return Result.refused(Refusal.NOT_FOUND);
        }
        Inbox.Item item = found.get();
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

    /** The refusal in the CCC's words. */
    static String sentence(Refusal refusal) {
        return switch (refusal) {
            case NOT_FOUND -> "No such inbox item.";
            case NO_PATIENT -> "No patient was matched to this number, so there is no one to opt out.";
            case NOT_LIKELY_OPT_OUT -> "This reply does not read as an opt-out. If the patient asked on the phone, use"
                    + " \"Opt-out taken by phone\".";
            case SHARED_NUMBER -> "This mobile is shared, so we cannot tell who wrote it. Call to ask, then use"
                    + " \"Opt-out taken by phone\" for the patient who asked.";
            case ALREADY_OPTED_OUT -> "This patient is already opted out.";
        };
    }
}
