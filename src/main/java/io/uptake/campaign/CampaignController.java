package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The campaign API. CCCs launch and steer campaigns; leads (and admins) read them. Other PCNs' are 404. */
@Controller("/api/campaigns")
@Secured({Role.CCC_NAME, Role.LEAD_NAME, Role.ADMIN_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class CampaignController {
    static final int MAX_PAGE_SIZE = 1000;
    private final CampaignService campaigns;
    private final LaunchReviews reviews;
    private final TableStatistics statistics;
    private final LaunchBudget budget;

    CampaignController(CampaignService campaigns, LaunchReviews reviews, TableStatistics statistics, LaunchBudget budget) {
        this.statistics = statistics;
        this.budget = budget;
        this.campaigns = campaigns;
        this.reviews = reviews;
    }

    /** What POST /api/campaigns would do with this body, without creating anything. */
    @Post("/preview")
    @Secured(Role.CCC_NAME)
    LaunchReview preview(@Body CampaignRequest request, Authentication auth) {
        return reviews.review(request, CurrentUser.of(auth));
    }

    @Post
    @Secured(Role.CCC_NAME)
    HttpResponse<CampaignView> create(@Body CampaignRequest request, Authentication auth) {
        // The review's full cost, as the page's check shows it, against what is left of the PCN's budget this month.
        budget.check(reviews.review(request, CurrentUser.of(auth)), CurrentUser.of(auth));
        CampaignView view = campaigns.launch(request, CurrentUser.of(auth));
        statistics.afterLaunch();
        return HttpResponse.created(view, URI.create("/api/campaigns/" + view.id()));
    }

    @Get
    List<CampaignView> list(Authentication auth) {
        return campaigns.list(CurrentUser.of(auth));
    }

    @Get("/{id}")
    CampaignView get(long id, Authentication auth) {
        return campaigns.find(id, CurrentUser.of(auth)).orElseThrow(CampaignService.NotFound::new);
    }

    @Get("/{id}/messages")
    @Secured({Role.CCC_NAME, Role.ADMIN_NAME}) // NHS numbers, mobiles and texts: not a LEAD's (docs/roles.md)
    CampaignView.MessagePage messages(long id, @Nullable @QueryValue Integer page, @Nullable @QueryValue Integer size,
                                      Authentication auth) {
        int p = page == null ? 0 : page;
        int s = size == null ? 100 : size;
        if (p < 0 || s < 1 || s > MAX_PAGE_SIZE) {
            throw new CampaignPlan.Invalid(List.of(p < 0 ? new CampaignPlan.FieldError("page", "must be 0 or more")
                    : new CampaignPlan.FieldError("size", "must be from 1 to " + MAX_PAGE_SIZE)));
        }
        return campaigns.messages(id, p, s, CurrentUser.of(auth));
    }

    @Post("/{id}/pause")
    @Secured(Role.CCC_NAME)
    CampaignView pause(long id, Authentication auth) {
        return campaigns.pause(id, CurrentUser.of(auth));
    }

    @Post("/{id}/resume")
    @Secured(Role.CCC_NAME)
    CampaignView resume(long id, Authentication auth) {
        return campaigns.resume(id, CurrentUser.of(auth));
    }

    @Post("/{id}/cancel")
    @Secured(Role.CCC_NAME)
    CampaignView cancel(long id, Authentication auth) {
        return campaigns.cancel(id, CurrentUser.of(auth));
    }

    @Serdeable
    record Problem(String message, List<CampaignPlan.FieldError> errors) {
    }

    @Error(exception = CampaignPlan.Invalid.class)
    HttpResponse<Problem> invalid(HttpRequest<?> request, CampaignPlan.Invalid e) {
        return HttpResponse.badRequest(new Problem("Invalid campaign", e.errors));
    }

    @Error(exception = CampaignService.NotFound.class)
    HttpResponse<Map<String, String>> notFound(HttpRequest<?> request, CampaignService.NotFound e) {
        return HttpResponse.notFound(Map.of("message", "No such campaign"));
    }

    @Error(exception = CampaignService.Conflict.class)
    HttpResponse<Map<String, String>> conflict(HttpRequest<?> request, CampaignService.Conflict e) {
        return HttpResponse.<Map<String, String>>status(HttpStatus.CONFLICT).body(Map.of("message", e.getMessage()));
    }
}
