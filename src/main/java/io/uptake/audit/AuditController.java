package io.uptake.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.Map;

/**
 * The audit trail, newest first: all of it for ADMIN, a LEAD's own PCN for a LEAD. Filters {@code user},
 * {@code action}, {@code from} and {@code to} (YYYY-MM-DD); {@code page} from 0, {@code size} up to 200.
 * Query values are taken as text and checked here, so that a bad one is a 400 naming the field.
 */
@Controller("/api/audit")
@Secured({Role.ADMIN_NAME, Role.LEAD_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class AuditController {
    private final AuditTrail trail;

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @Get
    AuditTrail.Page list(Authentication auth, @Nullable @QueryValue String user, @Nullable @QueryValue String action,
                         @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                         @Nullable @QueryValue String page, @Nullable @QueryValue String size) {
        return trail.read(CurrentUser.of(auth).pcnScope(), AuditQuery.parse(user, action, from, to, page, size));
    }

    @Error
    HttpResponse<Map<String, String>> invalid(IllegalArgumentException e) {
        return HttpResponse.badRequest(Map.of("message", e.getMessage()));
    }
}
