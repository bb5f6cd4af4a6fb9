package io.uptake.call;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the call lists of due CALL waves every minute, in every instance: the wave row's lock and the unique task
 * key keep two instances from listing a patient twice (CallLists). Off with the dispatcher (tests drive it by hand).
 */
@Singleton
@Requires(property = "uptake.campaign.dispatcher.enabled", notEquals = "false")
class CallListJob {
    private static final Logger LOG = LoggerFactory.getLogger(CallListJob.class);
    private final CallLists lists;

    CallListJob(CallLists lists) {
        this.lists = lists;
    }

    @Scheduled(fixedDelay = "60s", initialDelay = "20s")
    void run() {
        try {
            lists.listDue();
        } catch (Exception e) {
            LOG.warn("Making call lists failed this time, trying again in a minute: {}", e.getClass().getSimpleName(), e);
        }
    }
}
