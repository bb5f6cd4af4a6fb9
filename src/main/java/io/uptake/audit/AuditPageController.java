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

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** The audit log page: the same trail and rules as /api/audit, with its filters as a GET form. */
@Controller("/ui/audit")
@Secured({Role.ADMIN_NAME, Role.LEAD_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class AuditPageController {
    private final AuditTrail trail;
    private final Clock clock;

    AuditPageController(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = clock;
    }

    @Get
    ModelAndView<Map<String, Object>> page(Authentication auth, @Nullable @QueryValue String user,
                                           @Nullable @QueryValue String action, @Nullable @QueryValue String from,
                                           @Nullable @QueryValue String to, @Nullable @QueryValue String page,
                                           @Nullable @QueryValue String size) {
        CurrentUser me = CurrentUser.of(auth);
        Map<String, Object> model = new HashMap<>();
        model.put("filterUser", user == null ? "" : user);
        model.put("filterAction", action == null ? "" : action);
        model.put("filterFrom", from == null ? "" : from);
        model.put("filterTo", to == null ? "" : to);
        model.put("actions", trail.actions());
        model.put("zone", clock.getZone());
        model.put("scope", me.isAdmin() ? "all PCNs" : "your PCN");
        try {
            AuditQuery query = AuditQuery.parse(user, action, from, to, page, size);
            AuditTrail.Page result = trail.read(me.pcnScope(), query);
            model.put("result", result);
            model.put("hasNext", result.hasNext());
            model.put("error", null);
        } catch (IllegalArgumentException e) {
            model.put("result", null);
            model.put("hasNext", false);
            model.put("error", e.getMessage());
        }
        return new ModelAndView<>("audit", model);
    }
}
