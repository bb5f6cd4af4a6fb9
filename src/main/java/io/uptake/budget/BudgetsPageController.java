package io.uptake.budget;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin's budgets page: each PCN's budget this month with a form to set it, and its spend by month and campaign. */
@Controller("/ui/budgets")
@Secured(Role.ADMIN_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class BudgetsPageController {
    private final Budgets budgets;

    BudgetsPageController(Budgets budgets) {
        this.budgets = budgets;
    }

    @Serdeable
    record BudgetForm(@Nullable String monthlyBudget) {
    }

    @Get
    ModelAndView<Map<String, Object>> page() {
        return new ModelAndView<>("budgets", model(null, null, null));
    }

    @Post(value = "/{pcnId}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<ModelAndView<Map<String, Object>>> set(@PathVariable long pcnId, @Body BudgetForm form,
                                                        Authentication auth) {
        if (budgets.thisMonth(pcnId).isEmpty()) {
            // As the API does: a PCN there is none of is not found, never the database's refusal (a 500).
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "There is no PCN " + pcnId + ".");
        }
        String typed = form.monthlyBudget() == null ? "" : form.monthlyBudget().strip().replaceFirst("^£", "");
        try {
            Budgets.Month m = budgets.set(pcnId, typed.isEmpty() ? null : new BigDecimal(typed), CurrentUser.of(auth));
            return panel(model(m.budget() == null ? m.pcn() + " has no budget now: its launches are not limited by cost."
                    : "Set " + m.pcn() + "'s budget to " + Budgets.amount(m, m.budget()) + " a month.",
                    null, null));
        } catch (NumberFormatException e) {
            return panel(model(null, pcnId, "Enter the budget in pounds, for example 120 or 120.50"));
        } catch (Budgets.Invalid e) {
            return panel(model(null, pcnId, "The monthly budget " + e.getMessage()));
        }
    }

    private static HttpResponse<ModelAndView<Map<String, Object>>> panel(Map<String, Object> model) {
        return HttpResponse.ok(new ModelAndView<>("budgets :: panel", model));
    }

    private Map<String, Object> model(@Nullable String notice, @Nullable Long errorPcn, @Nullable String error) {
        Map<String, Object> model = new HashMap<>();
        List<Budgets.Month> months = budgets.allThisMonth();
        Map<Long, List<Budgets.Spend>> spend = new LinkedHashMap<>();
        months.forEach(m -> spend.put(m.pcnId(), budgets.spend(m.pcnId())));
        model.put("months", months);
        model.put("spend", spend);
        model.put("notice", notice);
        model.put("errorPcn", errorPcn);
        model.put("error", error);
        return model;
    }
}
