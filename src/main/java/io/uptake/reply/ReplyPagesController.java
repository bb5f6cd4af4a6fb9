package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.uptake.audit.AuditLog;
import io.uptake.optout.OptOutLedger;
import io.uptake.optout.PatientOptOuts;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The CCC inbox page and the simulated channel's patient's phone page (htmx; same rules as the API). */
@Controller("/ui")
@Secured({Role.ADMIN_NAME, Role.CCC_NAME}) // reply texts, mobiles and patients: not a LEAD's (docs/roles.md)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class ReplyPagesController {
    private static final int PAGE_ITEMS = 200;
    private final Inbox inbox;
    private final TranslationHints hints;
    private final PatientOptOuts patientOptOuts;
    private final SimulatedPhone phone;
    private final ReplyVocabulary vocabulary;
    private final AuditLog audit;
    private final Clock clock;
    private final ReplyOptOuts replyOptOuts;
    private final PatientThread threads;

    ReplyPagesController(Inbox inbox, TranslationHints hints, PatientOptOuts patientOptOuts, SimulatedPhone phone,
                         ReplyVocabulary vocabulary, AuditLog audit, Clock clock, ReplyOptOuts replyOptOuts,
                         PatientThread threads) {
        this.clock = clock;
        this.replyOptOuts = replyOptOuts;
        this.threads = threads;
        this.inbox = inbox;
        this.hints = hints;
        this.patientOptOuts = patientOptOuts;
        this.phone = phone;
        this.vocabulary = vocabulary;
        this.audit = audit;
    }

    /**
     * The inbox, newest first: {@code status} open (default), unread, done or all; {@code q} a name or NHS number;
     * {@code campaign}, {@code practice} and {@code language} narrow it. Unknown values read as no filter.
     */
    @Get("/inbox")
    ModelAndView<Map<String, Object>> inboxPage(@Nullable @QueryValue String status, @Nullable @QueryValue String q,
                                                @Nullable @QueryValue String campaign,
                                                @Nullable @QueryValue String practice,
                                                @Nullable @QueryValue String language, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        Inbox.Status wanted = Inbox.statusOrOpen(status);
        Long campaignId = campaign == null || !campaign.trim().matches("\\d{1,18}") ? null : Long.valueOf(campaign.trim());
        Inbox.Filter filter = new Inbox.Filter(wanted, q == null ? null : q.trim(), campaignId, practice, language);
        List<Inbox.Item> items = inbox.list(user, filter, PAGE_ITEMS).stream().map(hints::withHint).toList();
        audit.recordForPractices(user, Inbox.practicesOf(items), "VIEW_INBOX", wanted.name(), items.size()
                + " items (page)" + (filter.narrowed() ? ", filtered" + (filter.nhsDigits() != null ? " by NHS number"
                : filter.namePattern() != null ? " by name" : "") : ""));
        Map<String, Object> model = new HashMap<>();
        model.put("items", items);
        model.put("status", wanted.name());
        model.put("filter", filter);
        model.put("q", q == null ? "" : q.trim());
        model.put("campaignId", campaignId == null ? "" : String.valueOf(campaignId));
        model.put("practice", practice == null ? "" : practice.trim());
        model.put("language", language == null ? "" : language.trim());
        model.put("narrowed", filter.narrowed());
        // Where the patient page's back link returns: this list, as filtered.
        model.put("back", backLink(wanted, q, campaignId, practice, language));
        model.put("choices", inbox.choices(user));
        model.put("truncated", items.size() >= PAGE_ITEMS);
        model.put("pageItems", PAGE_ITEMS);
        model.put("outcomes", Inbox.Outcome.chosenByHand());
        model.put("languages", languageNames());
        model.put("noService", TranslationHints.NO_SERVICE);
        model.put("zone", clock.getZone());
        return new ModelAndView<>("inbox", model);
    }

    @Post(value = "/inbox/{id}/done", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    ModelAndView<Map<String, Object>> done(@PathVariable long id, @Body DoneForm form, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        inbox.find(user, id).orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such inbox item"));
        String error = null;
        Inbox.Outcome outcome = Inbox.Outcome.parse(form.outcome()).orElse(null);
        if (outcome == null) {
            error = "Choose an outcome.";
        } else if (inbox.markDone(id, outcome, form.note(), user)) {
            audit.recordForPractices(user, Inbox.practicesOf(inbox.find(user, id).stream().toList()), "INBOX_DONE",
                    "inbound:" + id, outcome.name());
        } else {
            error = "Already done by a colleague.";
        }
        return itemFragment(user, id, error, error == null ? "Marked done: " + outcome.label() + "." : null);
    }

    /**
     * The one-click confirm of a reply that reads as an opt-out ("no more messages please"): records the patient's
     * opt-out, cancels their queued texts and marks the item done. CCCs only, as every patient-level opt-out.
     */
    @Post(value = "/inbox/{id}/confirm-opt-out", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(Role.CCC_NAME)
    ModelAndView<Map<String, Object>> confirmOptOut(@PathVariable long id, @Nullable @Body NoteForm form,
                                                    Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        ReplyOptOuts.Result result = replyOptOuts.confirm(user, id);
        if (result.refusal().filter(r -> r == ReplyOptOuts.Refusal.NOT_FOUND).isPresent()) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "No such inbox item");
        }
        String notice = result.confirmed().map(ReplyOptOuts::sentence).orElse(null);
        return itemFragment(user, id, result.refusal().map(ReplyOptOuts::sentence).orElse(null), notice);
    }

    /** The patient's page: their details, texts and replies, within the caller's PCN. Opens their inbox items. */
    @Get("/inbox/patients/{patientId}")
    ModelAndView<Map<String, Object>> patientPage(@PathVariable long patientId, @Nullable @QueryValue String from,
                                                  Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        PatientThread.Thread thread = threads.find(user, patientId)
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such patient"));
        int opened = inbox.markOpenedForPatient(patientId, user);
        audit.recordForPractices(user, List.of(thread.patient().practiceCode()), "VIEW_PATIENT",
                "patient:" + patientId, thread.messages().size() + " texts, " + thread.replies().size() + " replies"
                        + (opened > 0 ? ", " + opened + " inbox items opened" : ""));
        Map<String, Object> model = new HashMap<>();
        model.put("thread", thread);
        model.put("patient", thread.patient());
        // Back to the inbox as the CCC left it, when they came from it (only our own relative inbox links).
        model.put("back", from != null && from.startsWith("/ui/inbox") && !from.startsWith("//") ? from : "/ui/inbox");
        return new ModelAndView<>("inbox-patient", model);
    }

    // CCCs only, as the API: a patient-level opt-in undoes a patient's objection, and only a CCC may.
    @Post(value = "/inbox/{id}/patient/{action}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(Role.CCC_NAME)
    ModelAndView<Map<String, Object>> byPhone(@PathVariable long id, @PathVariable String action,
                                              @Nullable @Body NoteForm form, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        Inbox.Item item = inbox.find(user, id)
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such inbox item"));
        if (item.patient() == null) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "No patient matched");
        }
        OptOutLedger.Action ledgerAction = switch (action) {
            case "opt-out" -> OptOutLedger.Action.OPT_OUT;
            case "opt-in" -> OptOutLedger.Action.OPT_IN;
            default -> throw new HttpStatusException(HttpStatus.NOT_FOUND, "No such action");
        };
        OptOutLedger.Status status = patientOptOuts.record(user, item.patient().id(), ledgerAction,
                OptOutLedger.Source.CCC_PHONE, form == null ? null : form.note()).orElseThrow(
                () -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such patient"));
        String notice = ledgerAction == OptOutLedger.Action.OPT_OUT ? "Opt-out taken by phone recorded."
                : status.mobileOptedOut() ? "Opt-in taken by phone recorded. The patient's mobile texted STOP (or the"
                        + " carrier blocks it): it gets no texts until START is texted from it."
                : "Opt-in taken by phone recorded.";
        return itemFragment(user, id, null, notice);
    }

    private ModelAndView<Map<String, Object>> itemFragment(CurrentUser user, long id, String error, String notice) {
        Map<String, Object> model = new HashMap<>();
        model.put("item", hints.withHint(inbox.find(user, id).orElseThrow()));
        model.put("outcomes", Inbox.Outcome.chosenByHand());
        model.put("languages", languageNames());
        model.put("error", error);
        model.put("notice", notice);
        model.put("zone", clock.getZone());
        model.put("back", "/ui/inbox");
        // The navigation's count changes when an item is worked: htmx swaps it in out of band.
        model.put("inboxUnread", inbox.unread(user));
        return new ModelAndView<>("inbox :: worked", model);
    }

    @Get("/phone")
    ModelAndView<Map<String, Object>> phonePage(@Nullable @QueryValue String number, Authentication auth) {
        requireSimulated();
        CurrentUser user = CurrentUser.of(auth);
        Map<String, Object> model = new HashMap<>();
        model.put("phones", phone.phones(user));
        SimulatedPhone.Phone selected = number == null || number.isBlank() ? null
                : phone.phone(user, number.trim()).orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND,
                "No such recipient"));
        model.put("selected", selected);
        model.put("thread", selected == null ? List.of() : phone.thread(selected.number()));
        model.put("received", null);
        model.put("languages", languageNames());
        return new ModelAndView<>("phone", model);
    }

    @Post(value = "/phone/reply", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    ModelAndView<Map<String, Object>> phoneReply(@Body PhoneForm form, Authentication auth) {
        requireSimulated();
        CurrentUser user = CurrentUser.of(auth);
        SimulatedPhone.Phone selected = phone.phone(user, form.number())
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such recipient"));
        Map<String, Object> model = new HashMap<>();
        if (form.body() == null || form.body().isBlank()) {
            model.put("error", "Type a reply first.");
            model.put("received", null);
        } else {
            SimulatedPhone.Sent sent = phone.reply(selected.number(), form.body());
            model.put("received", sent.received() == null ? "" : sent.received());
        }
        model.put("selected", selected);
        model.put("thread", phone.thread(selected.number()));
        return new ModelAndView<>("phone :: screen", model);
    }

    private void requireSimulated() {
        if (!phone.enabled()) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "The patient's phone exists only on the simulated channel");
        }
    }

    private static String backLink(Inbox.Status status, @Nullable String q, @Nullable Long campaign,
                                   @Nullable String practice, @Nullable String language) {
        StringBuilder link = new StringBuilder("/ui/inbox?status=").append(status.name().toLowerCase(java.util.Locale.ROOT));
        java.util.function.BiConsumer<String, String> add = (name, value) -> {
            if (value != null && !value.isBlank()) {
                link.append('&').append(name).append('=')
                        .append(java.net.URLEncoder.encode(value.trim(), java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        add.accept("q", q);
        add.accept("campaign", campaign == null ? null : String.valueOf(campaign));
        add.accept("practice", practice);
        add.accept("language", language);
        return link.toString();
    }

    private Map<String, String> languageNames() {
        Map<String, String> names = new HashMap<>();
        vocabulary.languages().forEach(l -> names.put(l, vocabulary.languageName(l)));
        return names;
    }

    @Serdeable
    record DoneForm(String outcome, @Nullable String note) {
    }

    @Serdeable
    record NoteForm(@Nullable String note) {
    }

    @Serdeable
    record PhoneForm(String number, @Nullable String body) {
    }
}
