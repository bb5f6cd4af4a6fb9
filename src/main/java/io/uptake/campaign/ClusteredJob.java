package io.uptake.campaign;

import org.quartz.Job;

import java.time.Duration;

/**
 * A chore of another feature that runs on this cluster's Quartz scheduler ({@link CampaignScheduler}): one
 * instance at a time, every {@link #interval()}. A bean implementing it is scheduled at start-up; keep it a
 * thin class without interceptors (Quartz builds it from its class). Mark it {@code @DisallowConcurrentExecution}.
 */
public interface ClusteredJob extends Job {
    /** Unique among clustered jobs; the Quartz job and trigger name. */
    String name();

    Duration interval();
}
