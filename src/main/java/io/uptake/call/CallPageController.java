package io.uptake.call;

import io.micronaut.core.annotation.Nullable;
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
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The call list page: a CCC's, of their PCN (the same rules as the API); outcomes recorded in place (htmx). */
@Controller("/ui/calls")
@Secured(Role.CCC_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class CallPageController {
    private static final int PAGE_ITEMS = 200;
    private final CallTasks tasks;
    private final AuditLog audit;

    CallPageController(CallTasks tasks, AuditLog audit) {
        this.tasks = tasks;
        this.audit = audit;
    }

    /** {@code show}: open (due today or before; the default), upcoming, done or all; anything else reads as open. */
    @Get
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String show, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CallTasks.Show wanted = CallTasks.Show.parse(show).orElse(CallTasks.Show.OPEN);
        List<CallTasks.Task> list = tasks.list(user, wanted, PAGE_ITEMS);
        audit.recordFor(user, user.pcnId(), "VIEW_CALLS", wanted.name(), list.size() + " calls (page)");
        Map<String, Object> model = new HashMap<>();
        model.put("tasks", list);
        model.put("show", wanted.name());
        model.put("counts", tasks.counts(user, null));
        model.put("outcomes", CallTasks.Outcome.values());
        model.put("truncated", list.size() >= PAGE_ITEMS);
        return new ModelAndView<>("calls", model);
    }

    @Serdeable
    record OutcomeForm(@Nullable String outcome, @Nullable String note) {
    }

    @Post(value = "/{id}/outcome", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    ModelAndView<Map<String, Object>> outcome(@PathVariable long id, @Nullable @Body OutcomeForm form, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CallTasks.Task task = tasks.find(user, id).orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such call"));
        String error = null;
        String notice = null;
        CallTasks.Outcome outcome = CallTasks.Outcome.parse(form == null ? null : form.outcome()).orElse(null);
        String note = form == null ? null : form.note();
        if (outcome == null) {
            error = "Choose what the call came to.";
        } else if (note != null && note.strip().length() > CallTasks.MAX_NOTE) {
            error = "The note must be at most " + CallTasks.MAX_NOTE + " characters.";
        } else {
            try {
                task = tasks.record(user, id, outcome, note).orElseThrow();
                notice = outcome.closes() ? "Recorded: " + outcome.label + "."
                        : "Recorded: no answer (try " + task.tries() + "). The call stays on the list for another try.";
            } catch (CallTasks.Closed e) {
                error = e.getMessage() + ".";
                task = tasks.find(user, id).orElseThrow();
            }
        }
        Map<String, Object> model = new HashMap<>();
        model.put("t", task);
        model.put("outcomes", CallTasks.Outcome.values());
        model.put("error", error);
        model.put("notice", notice);
        return new ModelAndView<>("calls :: task", model);
    }
}
