package io.uptake.cohort;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;
import io.uptake.time.DateInput;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The CCC's cohort page: pick a programme and date; who is in, who is out and why; export; cost of a first text. */
@Controller("/ui/cohorts")
@Secured({Role.ADMIN_NAME, Role.CCC_NAME}) // the page lists patients: not a LEAD's (docs/roles.md)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class CohortPageController {
    private static final int PAGE_SIZE = 50;
    private final Cohorts cohorts;
    private final CohortEstimator estimator;
    private final AuditLog audit;

    CohortPageController(Cohorts cohorts, CohortEstimator estimator, AuditLog audit) {
        this.cohorts = cohorts;
        this.estimator = estimator;
        this.audit = audit;
    }

    @Get
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String programme, @Nullable @QueryValue String asOf,
                                           @Nullable @QueryValue String asOfDay, @Nullable @QueryValue String asOfMonth,
                                           @Nullable @QueryValue String asOfYear,
                                           @Nullable @QueryValue String filter, @Nullable @QueryValue Integer page,
                                           Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        Map<String, Object> model = new HashMap<>();
        model.put("programmes", cohorts.programmes());
        model.put("reasons", ExclusionReasons.labels());
        String chosen = programme == null || programme.isBlank() ? cohorts.programmes().get(0).name() : programme;
        model.put("programme", chosen);
        model.put("filter", filter == null ? "all" : filter);
        // The form sends the three NHS date boxes; the page's own links (filters, pages, export) carry asOf as ISO.
        DateInput.Read boxes = DateInput.readOrIso("The date", asOfDay, asOfMonth, asOfYear, asOf);
        String[] typed = DateInput.shown(boxes, asOfDay, asOfMonth, asOfYear);
        LocalDate day = boxes.blank() ? cohorts.today() : boxes.date();
        if (boxes.blank()) {
            typed = DateInput.parts(day);
        }
        model.put("asOfDay", typed[0]);
        model.put("asOfMonth", typed[1]);
        model.put("asOfYear", typed[2]);
        Map<String, String> problemFor = new HashMap<>();
        Map<String, List<String>> partsFor = new HashMap<>();
        model.put("problemFor", problemFor);
        model.put("partsFor", partsFor);
        if (boxes.problem() != null) {
            problemFor.put("asOf", boxes.problem());
            partsFor.put("asOf", boxes.parts());
            model.put("problems", List.of(Map.of("anchor", DateInput.anchor("asOf", boxes), "message", boxes.problem())));
            return new ModelAndView<>("cohorts", model);
        }
        model.put("asOf", day.toString());
        try {
            Programme p = cohorts.programme(chosen);
            model.put("title", p.title());
            model.put("rule", cohorts.rule(chosen, day));
            model.put("summary", cohorts.summary(chosen, day, user.pcnScope()));
            CohortPage patients = cohorts.members(chosen, day, user.pcnScope(), filter, page == null ? 0 : page, PAGE_SIZE);
            model.put("patients", patients);
            model.put("pages", (patients.total() + PAGE_SIZE - 1) / PAGE_SIZE);
            model.put("estimate", estimator.estimate(chosen, day, user.pcnScope(), "initial", null));
            audit.recordForPractices(user, patients.patients().stream().map(CohortMember::practiceCode).toList(),
                    "COHORT_PATIENTS_VIEWED", "cohort:" + chosen, "asOf=" + day + " page=" + patients.page()
                    + " rows=" + patients.patients().size() + " (web)");
        } catch (UnknownProgrammeException e) {
            model.put("error", e.getMessage());
        } catch (IllegalArgumentException e) {
            model.put("error", e.getMessage());
        }
        return new ModelAndView<>("cohorts", model);
    }
}
