package io.uptake.report;

import io.micronaut.http.annotation.Produces;
import io.micronaut.http.MediaType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;
import io.uptake.time.DateInput;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lead's pages: a campaign's report (figures, funnel, conversions over time against control, breakdowns
 * with the lowest-uptake groups marked in words as well as colour) and the uptake overview of all campaigns.
 * Figures are rendered on the server; the charts read the same JSON API, so page and API cannot disagree.
 */
@Controller("/ui")
@Secured({Role.LEAD_NAME, Role.CCC_NAME, Role.ADMIN_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class ReportPageController {
    /** The breakdowns' names for people: the page's headings and the CSV's Breakdown column. */
    static final Map<String, String> BREAKDOWN_TITLES = Map.of(
            "language", "Language", "ethnicityGroup", "Ethnic group", "ageBand", "Age band (at first text)",
            "sex", "Sex", "imdQuintile", "Deprivation (IMD quintile)", "practice", "Practice");

    /** The call list's outcomes as the call page names them. */
    private static final Map<String, String> CALL_LABELS = Map.of("BOOKED", "Booked a test", "DECLINED", "Declined",
            "ALREADY_SCREENED", "Already screened elsewhere", "WRONG_NUMBER", "Wrong number",
            "NO_ANSWER", "No answer yet (still on the list)", "NOT_CALLED", "Not called yet");

    /** The choices as the texts offer them (docs/replies.md, "Numbered choices"). */
    static final Map<String, String> CHOICE_LABELS = Map.of("CALL_ME", "1 call me", "ALREADY_DONE", "2 already done",
            "NEW_KIT", "3 send me a new kit", "NOT_FOR_ME", "4 not for me (an informed decline)");

    private final CampaignReports reports;
    private final UptakeOverviews overviews;
    private final ReportSettings settings;

    ReportPageController(CampaignReports reports, UptakeOverviews overviews, ReportSettings settings) {
        this.settings = settings;
        this.reports = reports;
        this.overviews = overviews;
    }

    @Get("/campaigns/{id}/report")
    ModelAndView<Map<String, Object>> report(@PathVariable long id, Authentication auth) {
        CampaignReports.CampaignHeader campaign = reports.header(id, CurrentUser.of(auth))
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No campaign " + id));
        CampaignReport r = reports.report(campaign, Disclosure.internal());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("campaign", Map.of("id", r.campaignId(), "name", r.name(), "programme", r.programme(),
                "source", r.source(), "attributionDays", r.attributionDays(), "outcomeWindowDays", r.outcomeWindowDays(),
                "ruleVersion", r.ruleVersion()));
        model.put("figures", figures(r));
        model.put("control", r.control() == null ? null : Map.of(
                "patients", count(r.control().patients()), "clicked", count(r.control().clicked()),
                "converted", count(r.control().converted()),
                "rate", pct(r.control().conversionRate()), "ci", ci(r.control().conversionRateCi95()),
                "difference", r.uplift().difference() == null ? "n/a" : points(r.uplift().difference()),
                "upliftCi", r.uplift().ci95() == null ? "n/a" : points(r.uplift().ci95().get(0)) + " to "
                        + points(r.uplift().ci95().get(1))));
        model.put("channels", r.channels() == null || r.channels().isEmpty() ? null : r.channels().stream()
                .map(ReportPageController::channelRow).toList());
        List<Map<String, Object>> breakdowns = new ArrayList<>();
        r.breakdowns().forEach((name, groups) -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CampaignReport.Group g : groups) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", g.label());
                row.put("recipients", count(g.recipients()));
                row.put("clicked", count(g.clicked()));
                row.put("converted", count(g.converted()));
                row.put("rate", pct(g.rate()));
                row.put("ci", ci(g.ci95()));
                row.put("lowest", g.lowest());
                row.put("below", g.belowOverall());
                rows.add(row);
            }
            breakdowns.add(Map.of("name", name, "title", BREAKDOWN_TITLES.getOrDefault(name, name), "rows", rows));
        });
        model.put("breakdowns", breakdowns);
        model.put("choices", r.choices() == null ? null : r.choices().offered().stream().map(c -> Map.of(
                "code", c, "label", CHOICE_LABELS.getOrDefault(c, c), "texted", count(r.choices().texted().get(c)),
                "control", r.choices().control() == null ? "" : count(r.choices().control().get(c)))).toList());
        model.put("choicesControl", r.choices() != null && r.choices().control() != null);
        model.put("calls", r.calls() == null ? null : CampaignReport.Calls.OUTCOMES.stream().map(o -> Map.of(
                "code", o, "label", CALL_LABELS.get(o), "patients", count(r.calls().outcomes().get(o)))).toList());
        model.put("callAttempts", r.calls() == null ? "" : count(r.calls().contactAttempts()));
        model.put("callsListed", r.calls() == null ? "" : count(r.calls().listed()));
        // Declined and already screened elsewhere, by group: where calls meet refusal or care given elsewhere.
        List<Map<String, Object>> callGroups = new ArrayList<>();
        if (r.calls() != null) {
            r.calls().breakdowns().forEach((name, rows) -> callGroups.add(Map.of("title",
                    BREAKDOWN_TITLES.getOrDefault(name, name), "rows", rows.stream().map(g -> Map.of("label", g.label(),
                            "declined", count(g.patients().get("DECLINED")),
                            "elsewhere", count(g.patients().get("ALREADY_SCREENED")))).toList())));
        }
        model.put("callGroups", callGroups);
        // For the legend of "lowest uptake": the rate the groups are compared with.
        model.put("campaignRate", pct(r.conversionRate()));
        model.put("lowestMin", settings.getLowestGroupMinRecipients());
        model.put("anyLowest", r.breakdowns().values().stream().flatMap(List::stream).anyMatch(CampaignReport.Group::lowest));
        return new ModelAndView<>("report", model);
    }

    @Get("/reports")
    ModelAndView<Map<String, Object>> overview(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                               @Nullable @QueryValue String fromDay, @Nullable @QueryValue String fromMonth,
                                               @Nullable @QueryValue String fromYear, @Nullable @QueryValue String toDay,
                                               @Nullable @QueryValue String toMonth, @Nullable @QueryValue String toYear,
                                               Authentication auth) {
        // The form sends the NHS three-box dates; links (and bookmarks) may carry them as ISO dates.
        DateInput.Read fromRead = DateInput.readOrIso("The start date", fromDay, fromMonth, fromYear, from);
        DateInput.Read toRead = DateInput.readOrIso("The end date", toDay, toMonth, toYear, to);
        Map<String, String> problemFor = new LinkedHashMap<>();
        Map<String, List<String>> partsFor = new LinkedHashMap<>();
        List<Map<String, String>> problems = new ArrayList<>();
        if (fromRead.problem() != null) {
            problemFor.put("from", fromRead.problem());
            partsFor.put("from", fromRead.parts());
            problems.add(Map.of("anchor", DateInput.anchor("from", fromRead), "message", fromRead.problem()));
        }
        if (toRead.problem() != null) {
            problemFor.put("to", toRead.problem());
            partsFor.put("to", toRead.parts());
            problems.add(Map.of("anchor", DateInput.anchor("to", toRead), "message", toRead.problem()));
        } else if (fromRead.date() != null && toRead.date() != null && toRead.date().isBefore(fromRead.date())) {
            problemFor.put("to", "The end date must be the same as or after the start date");
            partsFor.put("to", List.of());
            problems.add(Map.of("anchor", "to-day", "message", problemFor.get("to")));
        }
        // With a problem, the list is of every campaign (no filter), and the boxes show what was typed.
        LocalDate fromDate = problems.isEmpty() ? fromRead.date() : null;
        LocalDate toDate = problems.isEmpty() ? toRead.date() : null;
        UptakeOverview overview = overviews.overview(CurrentUser.of(auth), fromDate, toDate, Disclosure.internal());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (UptakeOverview.Row r : overview.campaigns()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.campaignId());
            row.put("pcn", r.pcn());
            row.put("name", r.name());
            row.put("programme", r.programme());
            row.put("source", r.source());
            row.put("started", r.started().toString());
            row.put("texted", count(r.texted()));
            row.put("converted", count(r.converted()));
            row.put("rate", pct(r.conversionRate()));
            row.put("rateSort", r.conversionRate() == null ? "" : String.format(Locale.ROOT, "%.6f", r.conversionRate()));
            row.put("ci", ci(r.conversionRateCi95()));
            row.put("abnormal", count(r.abnormal()));
            row.put("referrals", count(r.urgentReferrals()));
            row.put("cancers", count(r.cancersDiagnosed()));
            row.put("control", r.controlPatients() == null ? "none" : pct(r.controlConversionRate())
                    + " of " + r.controlPatients());
            rows.add(row);
        }
        StringBuilder query = new StringBuilder();
        if (fromDate != null) {
            query.append("from=").append(fromDate);
        }
        if (toDate != null) {
            query.append(query.isEmpty() ? "" : "&").append("to=").append(toDate);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("rows", rows);
        model.put("fromParts", DateInput.shown(fromRead, fromDay, fromMonth, fromYear));
        model.put("toParts", DateInput.shown(toRead, toDay, toMonth, toYear));
        model.put("problemFor", problemFor);
        model.put("partsFor", partsFor);
        model.put("problems", problems);
        model.put("csvUrl", "/api/reports/uptake.csv" + (query.isEmpty() ? "" : "?" + query));
        model.put("publicationCsvUrl", "/api/reports/uptake.csv?" + (query.isEmpty() ? "" : query + "&") + "publication=true");
        return new ModelAndView<>("uptake", model);
    }

    private static List<Map<String, Object>> figures(CampaignReport r) {
        List<Map<String, Object>> f = new ArrayList<>();
        boolean sms = "SMS".equals(r.source());
        // Since issue 14 the intervention arm also holds the patients written to, not texted.
        boolean byPost = r.channels() != null && r.channels().stream().anyMatch(c -> "LETTER".equals(c.channel()));
        add(f, "recipients", byPost ? "Invited arm (texted or written to)" : "Texted arm (patients)",
                count(r.recipients()), byPost ? "\"By channel\" splits them" : "");
        add(f, "sent", sms ? "Sent at least one text" : "In the send log", count(r.sent()), "");
        add(f, "delivered", "Delivered", count(r.delivered()), sms ? "" : "not known for a campaign sent elsewhere");
        add(f, "clicked", "Opened their booking link", count(r.clicked()), r.clicked() == null
                ? "not known for a campaign sent elsewhere" : share(r.clicked(), r.delivered()) + " of delivered");
        add(f, "failed", "Failed (never delivered)", count(r.failed()), "");
        add(f, "optedOut", "Opted out since their first text", count(r.optedOut()), "");
        add(f, "replied", "Replied", count(r.replied()), r.replied() == null ? "not available yet" : "");
        add(f, "callRequests", "Asked to be called", count(r.callRequests()), r.callRequests() == null ? "not available yet" : "");
        add(f, "converted", "Had the test (converted)", count(r.converted()),
                pct(r.conversionRate()) + " of texted, 95% CI " + ci(r.conversionRateCi95()));
        add(f, "abnormal", "Abnormal result", count(r.abnormal()), r.abnormal() == null
                ? "no result threshold for this programme" : share(r.abnormal(), r.converted()) + " of those tested");
        add(f, "abnormalWithUrgentReferral", "Abnormal result with urgent referral", count(r.abnormalWithUrgentReferral()),
                r.abnormalWithUrgentReferral() == null ? "" : share(r.abnormalWithUrgentReferral(), r.converted()) + " of those tested");
        add(f, "urgentReferrals", "Urgent suspected cancer referral (2WW)", count(r.urgentReferrals()), "");
        add(f, "cancersDiagnosed", "Cancer diagnosed", count(r.cancersDiagnosed()), "");
        add(f, "cancersRuledOut", "Cancer ruled out", count(r.cancersRuledOut()), "");
        add(f, "medianDaysReferralToOutcome", "Median days, referral to diagnosis or ruled out",
                r.medianDaysReferralToOutcome() == null ? "n/a" : String.format(Locale.UK, "%.1f", r.medianDaysReferralToOutcome()),
                "Faster Diagnosis Standard: 28 days");
        add(f, "segments", "SMS segments", count(r.segments()), "");
        add(f, "cost", "Cost", r.cost() == null ? "n/a" : "£" + r.cost().toPlainString(),
                r.costPerConversion() == null ? "" : "£" + r.costPerConversion().toPlainString() + " per conversion");
        return f;
    }

    private static void add(List<Map<String, Object>> figures, String id, String label, String value, String note) {
        figures.add(Map.of("id", id, "label", label, "value", value, "note", note));
    }

    /** One channel's row as the page shows it: each arm's patients, reached and converted, and the uplift. */
    private static Map<String, Object> channelRow(CampaignReport.Channel c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("code", c.channel().toLowerCase(java.util.Locale.ROOT));
        row.put("label", c.label());
        row.put("patients", count(c.patients()));
        row.put("reached", count(c.reached()));
        row.put("converted", count(c.converted()));
        row.put("rate", rateWithInterval(c.conversionRate(), c.conversionRateCi95()));
        row.put("controlPatients", c.control() == null ? "none" : count(c.control().patients()));
        row.put("controlRate", c.control() == null ? "" : count(c.control().converted()) + " ("
                + rateWithInterval(c.control().conversionRate(), c.control().conversionRateCi95()) + ")");
        row.put("uplift", c.uplift() == null || c.uplift().difference() == null ? "n/a"
                : points(c.uplift().difference()) + " (" + points(c.uplift().ci95().get(0)) + " to "
                + points(c.uplift().ci95().get(1)) + ")");
        return row;
    }

    /** "6.9% (4.1% to 11.2%)", or one "n/a" when there is no rate (never "n/a (n/a)"). */
    private static String rateWithInterval(Double rate, List<Double> interval) {
        return rate == null ? "n/a" : pct(rate) + (interval == null ? "" : " (" + ci(interval) + ")");
    }

    static String count(Long value) {
        return value == null ? "n/a" : Long.toString(value);
    }

    static String pct(Double rate) {
        return rate == null ? "n/a" : String.format(Locale.UK, "%.1f%%", rate * 100);
    }

    static String ci(List<Double> ci) {
        return ci == null ? "n/a" : String.format(Locale.UK, "%.1f%% to %.1f%%", ci.get(0) * 100, ci.get(1) * 100);
    }

    private static String points(double difference) {
        return String.format(Locale.UK, "%+.1f points", difference * 100);
    }

    private static String share(Long part, Long whole) {
        return part == null || whole == null || whole == 0 ? "n/a" : pct((double) part / whole);
    }
}
