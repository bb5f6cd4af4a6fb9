package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.audit.AuditLog;
import io.uptake.optout.OptOutLedger;
import io.uptake.optout.PatientOptOuts;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.List;

/**
 * The CCC inbox API: read replies, record what was done, confirm a reply that reads as an opt-out, and record
 * opt-outs/opt-ins taken by phone.
 */
@Controller("/api/inbox")
@Secured({Role.ADMIN_NAME, Role.CCC_NAME}) // reply texts and patients: not a LEAD's (docs/roles.md)
@ExecuteOn(TaskExecutors.BLOCKING)
class InboxController {
    private static final int MAX_ITEMS = 500;
    private final Inbox inbox;
    private final TranslationHints hints;
    private final PatientOptOuts patientOptOuts;
    private final AuditLog audit;

    private final ReplyOptOuts replyOptOuts;

    InboxController(Inbox inbox, TranslationHints hints, PatientOptOuts patientOptOuts, AuditLog audit,
                    ReplyOptOuts replyOptOuts) {
        this.inbox = inbox;
        this.hints = hints;
        this.patientOptOuts = patientOptOuts;
        this.audit = audit;
        this.replyOptOuts = replyOptOuts;
    }

    /**
     * Newest first. {@code status}: open (default), unread, done or all; {@code q} a name or NHS number,
     * {@code campaign} an id, {@code practice} a code, {@code language} a code.
     */
    @Get
    List<Inbox.Item> list(@Nullable @QueryValue String status, @Nullable @QueryValue Integer limit,
                          @Nullable @QueryValue String q, @Nullable @QueryValue Long campaign,
                          @Nullable @QueryValue String practice, @Nullable @QueryValue String language,
                          Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        Inbox.Status wanted;
        try {
            wanted = Inbox.status(status);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, "status must be open, unread, done or all");
        }
        int n = limit == null ? 100 : Math.max(1, Math.min(limit, MAX_ITEMS));
        Inbox.Filter filter = new Inbox.Filter(wanted, q, campaign, practice, language);
        List<Inbox.Item> items = inbox.list(user, filter, n).stream().map(hints::withHint).toList();
        audit.recordForPractices(user, Inbox.practicesOf(items), "VIEW_INBOX", wanted.name(), items.size() + " items");
        return items;
    }

    @Post("/{id}/done")
    Inbox.Item done(@PathVariable long id, @Body DoneRequest request, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        inbox.find(user, id).orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such inbox item"));
        Inbox.Outcome outcome = outcome(request.outcome());
        if (!inbox.markDone(id, outcome, request.note(), user)) {
            throw new HttpStatusException(HttpStatus.CONFLICT, "Already done");
        }
        audit.recordForPractices(user, Inbox.practicesOf(inbox.find(user, id).stream().toList()), "INBOX_DONE",
                "inbound:" + id, outcome.name());
        return hints.withHint(inbox.find(user, id).orElseThrow());
    }

    /**
     * The inbox page's one-click confirm of a reply that reads as an opt-out ({@link ReplyOptOuts}): the patient's
     * own opt-out, their queued texts cancelled, the item done as OPTED_OUT, audited. CCCs only, as every
     * patient-level opt-out. Another PCN's reply 404; a reply that cannot be confirmed (not read as an opt-out,
     * already confirmed, a shared mobile, no patient, the patient already opted out) 409 with the reason, having
     * recorded nothing, so a client may safely send it again.
     */
    @Post("/{id}/confirm-opt-out")
    @Secured(Role.CCC_NAME)
    HttpResponse<?> confirmOptOut(@PathVariable long id, Authentication auth) {
        ReplyOptOuts.Result result = replyOptOuts.confirm(CurrentUser.of(auth), id);
        if (result.refusal().isPresent()) {
            ReplyOptOuts.Refusal why = result.refusal().get();
            if (why == ReplyOptOuts.Refusal.NOT_FOUND) {
                throw new HttpStatusException(HttpStatus.NOT_FOUND, "No such inbox item");
            }
            return HttpResponse.status(HttpStatus.CONFLICT).body(new Refused(why.name(), ReplyOptOuts.sentence(why)));
        }
        PatientOptOuts.Confirmed done = result.confirmed().orElseThrow();
        Inbox.Item item = inbox.find(CurrentUser.of(auth), id).orElseThrow();
        return HttpResponse.ok(new ConfirmedOptOut(id, item.patient().id(), done.status().optedOut(),
                done.cancelled(), item.outcome(), ReplyOptOuts.sentence(done)));
    }

    // CCCs only, as the patient API: a patient-level opt-in undoes a patient's objection, and only a CCC may.
    @Post("/patients/{patientId}/opt-out")
    @Secured(Role.CCC_NAME)
    PhoneResult optOutByPhone(@PathVariable long patientId, @Nullable @Body PhoneRequest request, Authentication auth) {
        return byPhone(patientId, OptOutLedger.Action.OPT_OUT, request, auth);
    }

    @Post("/patients/{patientId}/opt-in")
    @Secured(Role.CCC_NAME)
    PhoneResult optInByPhone(@PathVariable long patientId, @Nullable @Body PhoneRequest request, Authentication auth) {
        return byPhone(patientId, OptOutLedger.Action.OPT_IN, request, auth);
    }

    private PhoneResult byPhone(long patientId, OptOutLedger.Action action, PhoneRequest request, Authentication auth) {
        OptOutLedger.Status status = patientOptOuts.record(CurrentUser.of(auth), patientId, action,
                        OptOutLedger.Source.CCC_PHONE, request == null ? null : request.note())
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such patient"));
        return new PhoneResult(patientId, status.optedOut());
    }

    private static Inbox.Outcome outcome(String raw) {
        return Inbox.Outcome.parse(raw).orElseThrow(() -> new HttpStatusException(HttpStatus.BAD_REQUEST,
                "outcome must be one of " + String.join(", ",
                        Inbox.Outcome.chosenByHand().stream().map(Enum::name).toList())
                        + " (a reply that reads as an opt-out is confirmed with POST /api/inbox/{id}/confirm-opt-out,"
                        + " which also records the opt-out)"));
    }

    @Serdeable
    record DoneRequest(String outcome, @Nullable String note) {
    }

    @Serdeable
    record PhoneRequest(@Nullable String note) {
    }

    @Serdeable
    record PhoneResult(long patientId, boolean optedOut) {
    }

    /**
     * @param optedOut       the patient is opted out now (by the rule, docs/replies.md "Who is opted out")
     * @param cancelledTexts how many of their texts waiting to be sent were cancelled
     * @param outcome        the item's outcome now (OPTED_OUT, or what a colleague had already chosen)
     * @param message        what happened, in the CCC's words
     */
    @Serdeable
    record ConfirmedOptOut(long id, long patientId, boolean optedOut, int cancelledTexts, @Nullable String outcome,
                           String message) {
    }

    /** @param reason one of ReplyOptOuts.Refusal; @param message why, in the CCC's words */
    @Serdeable
    record Refused(String reason, String message) {
    }
}
