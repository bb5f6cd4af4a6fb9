package io.uptake.campaign;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.util.Map;

/** Not ready while the Quartz scheduler is stopped: campaigns would silently stop sending. */
@Singleton
@Readiness
@Requires(beans = HealthEndpoint.class)
class SchedulerHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final CampaignScheduler scheduler;

    SchedulerHealthIndicator(CampaignScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        boolean running = scheduler.isRunning();
        healthStatus = running ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("running", running, "instance", scheduler.instanceId());
    }

    @Override
    protected String getName() {
        return "campaignScheduler";
    }
}
