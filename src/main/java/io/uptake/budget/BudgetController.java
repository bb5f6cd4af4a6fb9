package io.uptake.budget;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A PCN's monthly budget for texts: an ADMIN sets it; the PCN's own staff (and admins) read it with the spend by
 * month and campaign. Another PCN's is 404.
 */
@Controller("/api/pcns/{pcnId}/budget")
@Secured({Role.CCC_NAME, Role.LEAD_NAME, Role.ADMIN_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class BudgetController {
    private final Budgets budgets;

    BudgetController(Budgets budgets) {
        this.budgets = budgets;
    }

    @Serdeable
    record BudgetRequest(@Nullable BigDecimal monthlyBudget) {
    }

    @Serdeable
    record BudgetView(Budgets.Month month, List<Budgets.Spend> spend) {
    }

    @Serdeable
    record FieldError(String field, String reason) {
    }

    @Serdeable
    record Problem(String message, List<FieldError> errors) {
    }

    static class NotFound extends RuntimeException {
    }

    @Get
    BudgetView get(long pcnId, Authentication auth) {
        if (!CurrentUser.of(auth).canSee(pcnId)) {
            throw new NotFound();
        }
        return new BudgetView(budgets.thisMonth(pcnId).orElseThrow(NotFound::new), budgets.spend(pcnId));
    }

    @Put
    @Secured(Role.ADMIN_NAME)
    BudgetView set(long pcnId, @Body BudgetRequest request, Authentication auth) {
        budgets.thisMonth(pcnId).orElseThrow(NotFound::new);
        budgets.set(pcnId, request.monthlyBudget(), CurrentUser.of(auth));
        return get(pcnId, auth);
    }

    @Error(exception = Budgets.Invalid.class)
    HttpResponse<Problem> invalid(HttpRequest<?> request, Budgets.Invalid e) {
        return HttpResponse.badRequest(new Problem("Invalid budget",
                List.of(new FieldError("monthlyBudget", e.getMessage()))));
    }

    @Error(exception = NotFound.class)
    HttpResponse<Map<String, String>> notFound(HttpRequest<?> request, NotFound e) {
        return HttpResponse.notFound(Map.of("message", "No such PCN"));
    }
}
