package io.uptake.reply;

import io.uptake.campaign.ClusteredJob;
import jakarta.inject.Singleton;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

import java.time.Duration;

/** Thin Quartz job: runs {@link InboundRetry} on one instance of the cluster at a time. */
@Singleton
@DisallowConcurrentExecution
class InboundRetryJob implements ClusteredJob {
    private final InboundRetry retry;
    private final InboundSettings settings;

    InboundRetryJob(InboundRetry retry, InboundSettings settings) {
        this.retry = retry;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "inbound-retry";
    }

    @Override
    public Duration interval() {
        return settings.getRetryInterval();
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            retry.run();
        } catch (Exception e) {
            throw new JobExecutionException(e);
        }
    }
}
