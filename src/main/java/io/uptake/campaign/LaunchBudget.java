package io.uptake.campaign;

import io.uptake.budget.Budgets;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

/**
 * A launch within its PCN's budget (issue 15): the review's full cost against what is left of the month's budget.
 * The API refuses an over-budget launch with 409 and the figures; the review page shows them in its error summary
 * and launches nothing.
 */
@Singleton
class LaunchBudget {
    private final Budgets budgets;

    LaunchBudget(Budgets budgets) {
        this.budgets = budgets;
    }

    /** The refusal with its figures, or null when the launch fits (or the PCN has no budget). */
    String problem(LaunchReview review, CurrentUser user) {
        if (user.pcnId() == null) {
            return null;
        }
        return budgets.thisMonth(user.pcnId()).filter(m -> m.wouldExceed(review.cost().total()))
                .map(m -> Budgets.refusal(m, review.cost().total())).orElse(null);
    }

    /** Throws the 409 of an over-budget launch. */
    void check(LaunchReview review, CurrentUser user) {
        String problem = problem(review, user);
        if (problem != null) {
            throw new CampaignService.Conflict(problem);
        }
    }
}
