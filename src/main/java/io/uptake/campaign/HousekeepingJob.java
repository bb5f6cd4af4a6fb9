package io.uptake.campaign;

import jakarta.inject.Singleton;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** Thin Quartz job: runs campaign housekeeping on one instance of the cluster at a time. */
@Singleton
@DisallowConcurrentExecution
class HousekeepingJob implements Job {
    private final CampaignHousekeeping housekeeping;

    HousekeepingJob(CampaignHousekeeping housekeeping) {
        this.housekeeping = housekeeping;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            housekeeping.run();
        } catch (Exception e) {
            throw new JobExecutionException(e);
        }
    }
}
