package io.uptake.report;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.Map;

/** POST /api/campaigns/external: evaluate a campaign sent with another tool from its send log. */
@Controller("/api/campaigns/external")
@Secured({Role.LEAD_NAME, Role.CCC_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class ExternalCampaignController {
    private final ExternalCampaigns campaigns;

    ExternalCampaignController(ExternalCampaigns campaigns) {
        this.campaigns = campaigns;
    }

    @Post(consumes = {"text/csv", "text/plain", "application/octet-stream"})
    HttpResponse<?> create(@Nullable @QueryValue String name, @Nullable @QueryValue String programme,
                           @Nullable @QueryValue Integer attributionDays, @Body String body, Authentication auth) {
        try {
            ExternalCampaigns.Result result = campaigns.create(CurrentUser.of(auth), name, programme, attributionDays, body);
            return result.id() == null ? HttpResponse.badRequest(result) : HttpResponse.created(result);
        } catch (ExternalCampaigns.Refused e) {
            return HttpResponse.badRequest(Map.of("message", e.getMessage()));
        }
    }
}
