package io.uptake.audit;

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
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;
import io.uptake.time.DateInput;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The audit log page: the same trail and rules as /api/audit, with its filters as a GET form. */
@Controller("/ui/audit")
@Secured({Role.ADMIN_NAME, Role.LEAD_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class AuditPageController {
    private final AuditTrail trail;

    AuditPageController(AuditTrail trail) {
        this.trail = trail;
    }

    @Get
    ModelAndView<Map<String, Object>> page(Authentication auth, @Nullable @QueryValue String user,
                                           @Nullable @QueryValue String action, @Nullable @QueryValue String from,
                                           @Nullable @QueryValue String to, @Nullable @QueryValue String fromDay,
                                           @Nullable @QueryValue String fromMonth, @Nullable @QueryValue String fromYear,
                                           @Nullable @QueryValue String toDay, @Nullable @QueryValue String toMonth,
                                           @Nullable @QueryValue String toYear, @Nullable @QueryValue String page,
                                           @Nullable @QueryValue String size) {
        CurrentUser me = CurrentUser.of(auth);
        Map<String, Object> model = new HashMap<>();
        model.put("filterUser", user == null ? "" : user);
        model.put("filterAction", action == null ? "" : action);
        model.put("actions", trail.actions());
        model.put("scope", me.isAdmin() ? "all PCNs" : "your PCN");
        // The form sends the NHS three-box dates; the page's own Newer and Older links carry them as ISO dates.
        DateInput.Read fromDate = DateInput.readOrIso("The start date", fromDay, fromMonth, fromYear, from);
        DateInput.Read toDate = DateInput.readOrIso("The end date", toDay, toMonth, toYear, to);
        List<Map<String, String>> problems = new ArrayList<>();
        Map<String, String> problemFor = new HashMap<>();
        Map<String, List<String>> partsFor = new HashMap<>();
        for (Map.Entry<String, DateInput.Read> d : Map.of("from", fromDate, "to", toDate).entrySet()) {
            if (d.getValue().problem() != null) {
                problemFor.put(d.getKey(), d.getValue().problem());
                partsFor.put(d.getKey(), d.getValue().parts());
            }
        }
        if (fromDate.date() != null && toDate.date() != null && toDate.date().isBefore(fromDate.date())) {
            problemFor.put("to", "The end date must be the same as or after the start date");
            partsFor.put("to", List.of());
        }
        for (String id : List.of("from", "to")) { // in the order of the form
            if (problemFor.containsKey(id)) {
                DateInput.Read r = id.equals("from") ? fromDate : toDate;
                problems.add(Map.of("anchor", DateInput.anchor(id, r), "message", problemFor.get(id)));
            }
        }
        String[] f = DateInput.shown(fromDate, fromDay, fromMonth, fromYear);
        String[] t = DateInput.shown(toDate, toDay, toMonth, toYear);
        model.put("fromParts", f);
        model.put("toParts", t);
        model.put("filterFrom", fromDate.date() == null ? "" : fromDate.date().toString());
        model.put("filterTo", toDate.date() == null ? "" : toDate.date().toString());
        model.put("problemFor", problemFor);
        model.put("partsFor", partsFor);
        model.put("problems", problems);
        model.put("result", null);
        model.put("hasNext", false);
        model.put("error", null);
        if (!problems.isEmpty()) {
            return new ModelAndView<>("audit", model);
        }
        try {
            AuditQuery query = AuditQuery.parse(user, action, (String) model.get("filterFrom"),
                    (String) model.get("filterTo"), page, size);
            AuditTrail.Page result = trail.read(me.pcnScope(), query);
            model.put("result", result);
            model.put("hasNext", result.hasNext());
        } catch (IllegalArgumentException e) {
            model.put("error", e.getMessage());
        }
        return new ModelAndView<>("audit", model);
    }
}
