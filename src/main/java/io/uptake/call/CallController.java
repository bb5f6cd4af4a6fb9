package io.uptake.call;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The call list API (issue 14). Tasks name patients: a CCC's, of their own PCN only (an ADMIN works no PCN's
 * list, and a LEAD reads no patient list: docs/roles.md). Counts name nobody: a LEAD reads them too.
 */
@Controller("/api/calls")
@Secured(Role.CCC_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
class CallController {
    static final int MAX_ITEMS = 500;
    private final CallTasks tasks;
    private final AuditLog audit;

    CallController(CallTasks tasks, AuditLog audit) {
        this.tasks = tasks;
        this.audit = audit;
    }

    @Serdeable
    record FieldError(String field, String reason) {
    }

    @Serdeable
    record Problem(String message, List<FieldError> errors) {
    }

    static final class Invalid extends RuntimeException {
        final FieldError error;

        Invalid(String field, String reason) {
            super(field + " " + reason);
            this.error = new FieldError(field, reason);
        }
    }

    static final class NotFound extends RuntimeException {
        NotFound() {
            super("No such call");
        }
    }

    /** {@code show}: open (due today or before; the default), upcoming, done or all. Oldest due first. */
    @Get
    List<CallTasks.Task> list(@Nullable @QueryValue String show, @Nullable @QueryValue Integer limit, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CallTasks.Show wanted = CallTasks.Show.parse(show)
                .orElseThrow(() -> new Invalid("show", "must be open, upcoming, done or all"));
        if (limit != null && (limit < 1 || limit > MAX_ITEMS)) {
            throw new Invalid("limit", "must be from 1 to " + MAX_ITEMS);
        }
        List<CallTasks.Task> list = tasks.list(user, wanted, limit == null ? 100 : limit);
        audit.recordFor(user, user.pcnId(), "VIEW_CALLS", wanted.name(), list.size() + " calls");
        return list;
    }

    @Get("/{id}")
    CallTasks.Task one(@PathVariable long id, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CallTasks.Task task = tasks.find(user, id).orElseThrow(NotFound::new);
        audit.recordFor(user, user.pcnId(), "VIEW_CALLS", "call:" + id, "1 call");
        return task;
    }

    @Serdeable
    record OutcomeRequest(@Nullable String outcome, @Nullable String note) {
    }

    /** Records a call: BOOKED, DECLINED, NO_ANSWER (stays open for another try), WRONG_NUMBER or ALREADY_SCREENED. */
    @Post("/{id}/outcome")
    CallTasks.Task outcome(@PathVariable long id, @Nullable @Body OutcomeRequest request, Authentication auth) {
        CallTasks.Outcome outcome = outcome(request == null ? null : request.outcome());
        String note = note(request == null ? null : request.note());
        return tasks.record(CurrentUser.of(auth), id, outcome, note).orElseThrow(NotFound::new);
    }

    /** Counts of the caller's PCN's calls (every PCN's for an ADMIN), optionally of one campaign. */
    @Get("/counts")
    @Secured({Role.CCC_NAME, Role.LEAD_NAME})
    CallTasks.Counts counts(@Nullable @QueryValue Long campaign, Authentication auth) {
        return tasks.counts(CurrentUser.of(auth), campaign);
    }

    static CallTasks.Outcome outcome(String raw) {
        return CallTasks.Outcome.parse(raw).orElseThrow(() -> new Invalid("outcome", "must be one of "
                + String.join(", ", Arrays.stream(CallTasks.Outcome.values()).map(Enum::name).toList())
                + (raw == null ? "" : ", not '" + raw + "'")));
    }

    static String note(String raw) {
        if (raw != null && raw.strip().length() > CallTasks.MAX_NOTE) {
            throw new Invalid("note", "must be at most " + CallTasks.MAX_NOTE + " characters");
        }
        return raw;
    }

    @Error(exception = Invalid.class)
    HttpResponse<Problem> invalid(HttpRequest<?> request, Invalid e) {
        return HttpResponse.badRequest(new Problem("Invalid call", List.of(e.error)));
    }

    @Error(exception = NotFound.class)
    HttpResponse<Map<String, String>> notFound(HttpRequest<?> request, NotFound e) {
        return HttpResponse.notFound(Map.of("message", "No such call"));
    }

    @Error(exception = CallTasks.Closed.class)
    HttpResponse<Map<String, String>> closed(HttpRequest<?> request, CallTasks.Closed e) {
        return HttpResponse.<Map<String, String>>status(io.micronaut.http.HttpStatus.CONFLICT)
                .body(Map.of("message", e.getMessage()));
    }
}
