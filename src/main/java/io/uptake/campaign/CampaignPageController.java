package io.uptake.campaign;

import io.uptake.time.DateInput;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.micronaut.http.annotation.QueryValue;
import io.uptake.booking.BookingLinks;
import io.uptake.booking.ReplyPhone;
import io.uptake.booking.TrackedLinks;
import io.uptake.cohort.CohortEstimator;
import io.uptake.cohort.Cohorts;
import io.uptake.cohort.UnknownProgrammeException;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.template.MessageTemplates;
import io.uptake.template.OwnTexts;
import io.uptake.template.TemplateApprovals;
import io.uptake.template.Placeholders;
import io.uptake.template.RenderedMessage;
import io.uptake.security.Role;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Campaign pages: the list with the launch form, and a campaign with live counts, controls and messages. */
@Controller("/ui/campaigns")
@Secured({Role.CCC_NAME, Role.LEAD_NAME, Role.ADMIN_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class CampaignPageController {
    private final CampaignService campaigns;
    private final Programmes programmes;
    private final CohortEstimator estimator;
    private final MessageTemplates templates;
    private final Cohorts cohorts;
    private final ZoneId zone;
    private final BookingLinks bookingLinks;
    private final TableStatistics statistics;
    private final LaunchReviews reviews;
    private final AuditLog audit;
    private final TemplateApprovals approvals;
    private final LaunchBudget budget;

    CampaignPageController(CampaignService campaigns, Programmes programmes, CohortEstimator estimator,
                           MessageTemplates templates, Cohorts cohorts, Clock clock, BookingLinks bookingLinks,
                           LaunchReviews reviews, AuditLog audit, TemplateApprovals approvals,
                           TableStatistics statistics, LaunchBudget budget) {
        this.approvals = approvals;
        this.budget = budget;
        this.statistics = statistics;
        this.zone = clock.getZone();
        this.bookingLinks = bookingLinks;
        this.campaigns = campaigns;
        this.programmes = programmes;
        this.estimator = estimator;
        this.templates = templates;
        this.cohorts = cohorts;
        this.reviews = reviews;
        this.audit = audit;
    }

    /**
     * What launching would send, fetched by htmx whenever programme or date change: the cost estimate over
     * the user's own scope, and the initial message in every language the programme has, with sample values
     * (no patient's data is shown before launch).
     */
    @Get("/preview")
    ModelAndView<Map<String, Object>> preview(@Nullable @QueryValue String programme, @Nullable @QueryValue String asOf,
                                              @Nullable @QueryValue String asOfDay, @Nullable @QueryValue String asOfMonth,
                                              @Nullable @QueryValue String asOfYear,
                                              @Nullable @QueryValue String bookingUrl,
                                              @Nullable @QueryValue String replyPhone, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        Map<String, Object> model = new HashMap<>();
        String chosen = programme == null || programme.isBlank() ? programmes.codes().iterator().next() : programme.strip();
        try {
            DateInput.Read boxes = DateInput.read("Cohort date", asOfDay, asOfMonth, asOfYear);
            if (boxes.problem() != null) {
                throw new IllegalArgumentException(boxes.problem());
            }
            LocalDate day = boxes.date() != null ? boxes.date()
                    : asOf == null || asOf.isBlank() ? cohorts.today() : LocalDate.parse(asOf.strip());
            // A booking URL puts each patient's own short link in the text: the estimate and the preview count a
            // link of that length (never the booking URL itself, which the patient's text does not hold).
            List<String> problems = new ArrayList<>();
            TrackedLinks.bookingUrlProblem(bookingUrl).ifPresent(p -> problems.add("Booking link " + p));
            ReplyPhone.Checked phone = ReplyPhone.check(replyPhone);
            if (phone.problem() != null) {
                problems.add("Phone number for replies " + phone.problem());
            }
            boolean linked = bookingUrl != null && !bookingUrl.isBlank() && problems.isEmpty();
            String link = linked ? bookingLinks.sampleLink() : null;
            model.put("estimate", estimator.estimate(chosen, day, user.pcnScope(), "initial", link, phone.national()));
            Placeholders sample = Placeholders.sample();
            sample = new Placeholders(sample.givenName(), sample.practiceName(),
                    phone.national() == null ? sample.practicePhone() : phone.national(), link);
            List<RenderedMessage> texts = new ArrayList<>();
            // In the PCN's own words where they are approved: what a launch now would send.
            OwnTexts own = user.pcnScope() == null ? OwnTexts.NONE : approvals.sending(chosen, user.pcnScope());
            for (String lang : templates.completeLanguages(chosen)) {
                texts.add(templates.render(chosen, "initial", lang, sample, own));
            }
            model.put("texts", texts);
            model.put("linkProblems", problems);
            model.put("bookingUrl", linked ? bookingUrl.strip() : null);
            model.put("replyPhone", phone.national());
            model.put("previewError", null);
        } catch (DateTimeParseException e) {
            model.put("previewError", "Cohort date: a date as YYYY-MM-DD");
        } catch (IllegalArgumentException | UnknownProgrammeException e) {
            model.put("previewError", e.getMessage());
        }
        return new ModelAndView<>("campaigns :: preview", model);
    }

    @Get
    ModelAndView<Map<String, Object>> list(Authentication auth) {
        return new ModelAndView<>("campaigns", listModel(CurrentUser.of(auth), List.of(), null));
    }

    /**
     * The launch form's "Continue", and the review's "Update": the check-your-answers page for this launch, with the
     * named list to leave patients out of. Nothing is created. A form the plan refuses comes back with its errors.
     */
    @Post(value = "/review", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(Role.CCC_NAME)
    HttpResponse<?> review(@Body LaunchForm form, Authentication auth) {
        return reviewOrForm(form, CurrentUser.of(auth), null);
    }

    /** The review's "Change": the launch form again, with everything as it was typed. */
    @Post(value = "/edit", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(Role.CCC_NAME)
    HttpResponse<?> edit(@Body LaunchForm form, Authentication auth) {
        return HttpResponse.ok(new ModelAndView<>("campaigns :: form", listModel(CurrentUser.of(auth), List.of(), form)));
    }

    /**
     * The review's "Launch campaign". A launch comes only from a review: without the review's token, or when the
     * figures are no longer those the CCC saw (an import, an opt-out since), the review is shown again instead.
     * On success the browser goes to the new campaign's page, which shows the confirmation panel.
     */
    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(Role.CCC_NAME)
    HttpResponse<?> launch(@Body LaunchForm form, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        try {
            CampaignRequest request = form.toRequest(zone);
            LaunchReview now = reviews.review(request, user);
            if (form.reviewToken() == null || !form.reviewToken().equals(now.token())) {
                return reviewOrForm(form, user, form.reviewToken() == null || form.reviewToken().isBlank()
                        ? "Check the campaign below before you launch it."
                        : "The figures changed since you checked them (new data or opt-outs). Check them again.");
            }
            if (budget.problem(now, user) != null) {
                return reviewOrForm(form, user, null);
            }
            CampaignView view = campaigns.launch(request, user);
            statistics.afterLaunch();
            return HttpResponse.ok().header("HX-Redirect", "/ui/campaigns/" + view.id() + "?launched=true");
        } catch (CampaignPlan.Invalid e) {
            return formWithErrors(user, e.errors, form);
        } catch (CampaignService.Conflict e) {
            return formWithErrors(user, List.of(new CampaignPlan.FieldError("campaign", e.getMessage())), form);
        }
    }

    private HttpResponse<?> reviewOrForm(LaunchForm form, CurrentUser user, @Nullable String notice) {
        try {
            CampaignRequest request = form.toRequest(zone);
            LaunchReview review = reviews.review(request, user);
            List<io.uptake.cohort.CohortMember> named = reviews.namedList(review.programme(), review.asOf(), user);
            audit.recordForPractices(user, named.stream().map(io.uptake.cohort.CohortMember::practiceCode).toList(),
                    "VIEW_LAUNCH_NAMED_LIST", "cohort:" + review.programme(), named.size() + " patients as of " + review.asOf());
            Map<String, String> reasons = new HashMap<>();
            review.leftOut().forEach(l -> reasons.put(l.nhsNumber(), l.reason()));
            Map<String, Object> model = new HashMap<>();
            model.put("r", review);
            model.put("form", form);
            model.put("named", named);
            model.put("reasons", reasons);
            model.put("notice", notice);
            model.put("waveDates", review.waves().stream().map(w -> WHEN.format(w.startsAt().atZone(zone))).toList());
            model.put("window", windowText(request));
            model.put("budgetProblem", budget.problem(review, user));
            return HttpResponse.ok(new ModelAndView<>("campaign-review :: review", model))
                    .header("HX-Retarget", "main").header("HX-Reswap", "innerHTML");
        } catch (CampaignPlan.Invalid e) {
            return formWithErrors(user, e.errors, form);
        } catch (CampaignService.Conflict e) {
            return formWithErrors(user, List.of(new CampaignPlan.FieldError("campaign", e.getMessage())), form);
        }
    }

    private HttpResponse<?> formWithErrors(CurrentUser user, List<CampaignPlan.FieldError> errors, LaunchForm form) {
        return HttpResponse.ok(new ModelAndView<>("campaigns :: form", listModel(user, errors, form)))
                .header("HX-Retarget", "main").header("HX-Reswap", "innerHTML");
    }

    static final java.time.format.DateTimeFormatter WHEN =
            java.time.format.DateTimeFormatter.ofPattern("EEEE d MMMM yyyy 'at' h:mma", java.util.Locale.UK);

    private static String windowText(CampaignRequest request) {
        CampaignRequest.Window w = request.sendWindow();
        if (w == null) {
            return "Monday to Friday, 08:00 to 18:00, not on bank holidays";
        }
        return String.join(", ", w.days() == null ? List.of("MON", "TUE", "WED", "THU", "FRI") : w.days()) + ", "
                + (w.from() == null ? "08:00" : w.from()) + " to " + (w.to() == null ? "18:00" : w.to())
                + (Boolean.FALSE.equals(w.skipBankHolidays()) ? ", bank holidays included" : ", not on bank holidays");
    }

    private Map<String, Object> listModel(CurrentUser user, List<CampaignPlan.FieldError> errors, @Nullable LaunchForm form) {
        Map<String, Object> model = new HashMap<>();
        model.put("campaigns", campaigns.list(user));
        model.put("programmes", programmes.codes());
        model.put("errors", errors);
        // In people's words, each linked to its field (the NHS error summary and error messages).
        model.put("problems", LaunchErrors.of(errors));
        model.put("problemFor", LaunchErrors.byField(errors));
        model.put("partsFor", LaunchErrors.partsByField(errors));
        model.put("form", form == null ? LaunchForm.blank() : form);
        model.put("zone", zone.getId());
        model.put("canLaunch", user.role() == Role.CCC);
        return model;
    }

    /** Messages per page of the campaign page; the API pages through all of them. */
    static final int MESSAGES_PER_PAGE = 50;

    /** The campaign page; {@code page} (from 1) is the page of its messages list. */
    @Get("/{id}")
    ModelAndView<Map<String, Object>> campaign(long id, @Nullable @QueryValue Boolean launched,
                                               @Nullable @QueryValue String page, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CampaignView view = campaigns.find(id, user).orElseThrow(CampaignService.NotFound::new);
        Map<String, Object> model = new HashMap<>();
        model.put("c", view);
        model.put("canSteer", user.role() == Role.CCC);
        model.put("launched", launched != null && launched && view.launchedAt() != null);
        model.put("leftOut", campaigns.leftOut(id, user));
        model.put("delivery", campaigns.deliveryByPractice(id, user));
        if (user.role() != Role.LEAD) {
            int wanted = page != null && page.trim().matches("\\d{1,6}") ? Math.max(1, Integer.parseInt(page.trim())) : 1;
            CampaignView.MessagePage messages = campaigns.messages(id, wanted - 1, MESSAGES_PER_PAGE, user);
            int pages = (int) Math.max(1, (messages.total() + MESSAGES_PER_PAGE - 1) / MESSAGES_PER_PAGE);
            if (wanted > pages) {
                // Past the last page (a bookmark, the list shrank): the last page rather than an empty list.
                wanted = pages;
                messages = campaigns.messages(id, wanted - 1, MESSAGES_PER_PAGE, user);
            }
            model.put("messages", messages);
            model.put("messagePage", wanted);
            model.put("messagePages", pages);
            model.put("pageNumbers", PageNumbers.around(wanted, pages));
            model.put("firstShown", messages.total() == 0 ? 0 : (long) (wanted - 1) * MESSAGES_PER_PAGE + 1);
            model.put("lastShown", (long) (wanted - 1) * MESSAGES_PER_PAGE + messages.messages().size());
        } else {
            // The messages list names patients (NHS number, mobile, text): a LEAD reads the counts and the report only.
            model.put("messages", null);
        }
        return new ModelAndView<>("campaign", model);
    }

    /** The counts panel alone, polled by htmx every few seconds while the page is open. */
    @Get("/{id}/counts")
    ModelAndView<Map<String, Object>> counts(long id, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CampaignView view = campaigns.find(id, user).orElseThrow(CampaignService.NotFound::new);
        return new ModelAndView<>("campaign :: counts", Map.of("c", view, "canSteer", user.role() == Role.CCC));
    }

    @Post(value = "/{id}/pause", consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON})
    @Secured(Role.CCC_NAME)
    ModelAndView<Map<String, Object>> pause(long id, Authentication auth) {
        return steer(id, "pause", auth);
    }

    @Post(value = "/{id}/resume", consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON})
    @Secured(Role.CCC_NAME)
    ModelAndView<Map<String, Object>> resume(long id, Authentication auth) {
        return steer(id, "resume", auth);
    }

    @Post(value = "/{id}/cancel", consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON})
    @Secured(Role.CCC_NAME)
    ModelAndView<Map<String, Object>> cancel(long id, Authentication auth) {
        return steer(id, "cancel", auth);
    }

    private ModelAndView<Map<String, Object>> steer(long id, String action, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        String error = null;
        try {
            switch (action) {
                case "pause" -> campaigns.pause(id, user);
                case "resume" -> campaigns.resume(id, user);
                default -> campaigns.cancel(id, user);
            }
        } catch (CampaignService.Conflict e) {
            error = e.getMessage();
        }
        CampaignView view = campaigns.find(id, user).orElseThrow(CampaignService.NotFound::new);
        Map<String, Object> model = new HashMap<>();
        model.put("c", view);
        model.put("canSteer", true);
        model.put("error", error);
        return new ModelAndView<>("campaign :: controls", model);
    }

    /** Another PCN's campaign, or none: the same 404 as the API, never a hint that it exists. */
    @io.micronaut.http.annotation.Error(exception = CampaignService.NotFound.class)
    HttpResponse<String> notFound(CampaignService.NotFound e) {
        return HttpResponse.<String>notFound().body("No such campaign");
    }

    /** The launch form as posted: every field text, so that a bad value comes back as a field error. */
    @Serdeable
    record LaunchForm(@Nullable String name, @Nullable String programme, @Nullable String asOf,
                      @Nullable String asOfDay, @Nullable String asOfMonth, @Nullable String asOfYear,
                      @Nullable String startAt, @Nullable String startDay, @Nullable String startMonth,
                      @Nullable String startYear, @Nullable String startTime,
                      @Nullable String days, @Nullable String from, @Nullable String to,
                      @Nullable String skipBankHolidays, @Nullable String reminders, @Nullable String controlFraction,
                      @Nullable String bookingUrl, @Nullable String replyPhone, @Nullable String dailyCap,
                      @Nullable List<String> leaveOutNhs, @Nullable List<String> leaveOutReason,
                      @Nullable String reviewToken, @Nullable String invitationBy, @Nullable String remindersBy,
                      @Nullable String callList, @Nullable String callAfterDays) {

        static LaunchForm blank() {
            return new LaunchForm("", "fit-non-returners", "", "", "", "", "", "", "", "", "",
                    "MON,TUE,WED,THU,FRI", "08:00", "18:00", "on", "14", "0", "", "", "", null, null, null,
                    "AUTO", "AUTO", null, "");
        }

        /** The named list's rows with a reason typed: those patients are left out. */
        List<CampaignRequest.LeaveOut> leaveOut() {
            List<CampaignRequest.LeaveOut> out = new ArrayList<>();
            if (leaveOutNhs == null || leaveOutReason == null) {
                return out;
            }
            for (int i = 0; i < Math.min(leaveOutNhs.size(), leaveOutReason.size()); i++) {
                String reason = leaveOutReason.get(i);
                if (reason != null && !reason.isBlank()) {
                    out.add(new CampaignRequest.LeaveOut(leaveOutNhs.get(i), reason.strip()));
                }
            }
            return out;
        }

        CampaignRequest toRequest(ZoneId zone) {
            List<CampaignPlan.FieldError> errors = new ArrayList<>();
            // The three boxes of each date (the NHS date input); a bare ISO asOf or startAt still works for scripts.
            String cohortDate = asOf == null || asOf.isBlank() ? null : asOf.strip();
            DateInput.Read cohort = DateInput.read("Cohort date", asOfDay, asOfMonth, asOfYear);
            if (cohort.problem() != null) {
                errors.add(LaunchErrors.dateError("asOf", cohort));
            } else if (cohort.date() != null) {
                cohortDate = cohort.date().toString();
            }
            String start = null;
            DateInput.Read startDate = DateInput.read("Start date", startDay, startMonth, startYear);
            DateInput.Time time = DateInput.time(startTime);
            if (startDate.problem() != null) {
                errors.add(LaunchErrors.dateError("startAt", startDate));
            } else if (time.problem() != null) {
                errors.add(new CampaignPlan.FieldError("startTime", time.problem()));
            } else if (startDate.date() != null) {
                // No time: from midnight, so the first text goes when the send window opens that day.
                start = startDate.date().atTime(time.time() == null ? java.time.LocalTime.MIDNIGHT : time.time())
                        .atZone(zone).toInstant().toString();
            } else if (time.time() != null) {
                errors.add(LaunchErrors.dateError("startAt", new DateInput.Read(null,
                        "Enter the start date as well as the time", List.of())));
            } else if (startAt != null && !startAt.isBlank()) {
                try {
                    start = LocalDateTime.parse(startAt).atZone(zone).toInstant().toString();
                } catch (DateTimeParseException e) {
                    errors.add(new CampaignPlan.FieldError("startAt", "must be a date and time"));
                }
            }
            List<CampaignRequest.Reminder> reminderList = new ArrayList<>();
            if (reminders != null && !reminders.isBlank()) {
                for (String part : reminders.split(",")) {
                    try {
                        reminderList.add(new CampaignRequest.Reminder(Integer.parseInt(part.strip())));
                    } catch (NumberFormatException e) {
                        errors.add(new CampaignPlan.FieldError("reminders", "'" + part.strip() + "' is not a number of days"));
                    }
                }
            }
            FormWaves.Plan channels = FormWaves.plan(invitationBy, remindersBy, "on".equals(callList), callAfterDays,
                    reminderList);
            errors.addAll(channels.errors());
            BigDecimal fraction = null;
            if (controlFraction != null && !controlFraction.isBlank()) {
                try {
                    fraction = new BigDecimal(controlFraction.strip());
                } catch (NumberFormatException e) {
                    errors.add(new CampaignPlan.FieldError("controlFraction", "must be a number from 0 to 0.5"));
                }
            }
            Integer cap = null;
            if (dailyCap != null && !dailyCap.isBlank()) {
                try {
                    cap = Integer.valueOf(dailyCap.strip());
                } catch (NumberFormatException e) {
                    errors.add(new CampaignPlan.FieldError("dailyCap", DailyCap.problem(0)));
                }
            }
            if (!errors.isEmpty()) {
                throw new CampaignPlan.Invalid(errors);
            }
            List<String> dayList = days == null ? null
                    : Arrays.stream(days.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            return new CampaignRequest(name, programme, cohortDate, start,
                    new CampaignRequest.Window(dayList, blankToNull(from), blankToNull(to), "on".equals(skipBankHolidays)),
                    channels.reminders(), fraction, null, blankToNull(bookingUrl), blankToNull(replyPhone), leaveOut(),
                    channels.waves(), cap);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
