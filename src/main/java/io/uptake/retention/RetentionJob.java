package io.uptake.retention;

import io.uptake.campaign.ClusteredJob;
import jakarta.inject.Singleton;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

import java.time.Duration;

/** Thin Quartz job: applies {@link Retention} on one instance of the cluster, every uptake.retention.interval. */
@Singleton
@DisallowConcurrentExecution
class RetentionJob implements ClusteredJob {
    private final Retention retention;
    private final RetentionSettings settings;

    RetentionJob(Retention retention, RetentionSettings settings) {
        this.retention = retention;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "retention";
    }

    @Override
    public Duration interval() {
        return settings.getInterval();
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            retention.run();
        } catch (Exception e) {
            throw new JobExecutionException(e);
        }
    }
}
