package io.uptake.campaign;

import io.micronaut.context.ApplicationContext;

import java.util.Map;

/**
 * A service instance in its own JVM for the kill -9 test: the campaign engine (dispatcher and clustered Quartz)
 * against the test's database (given as system properties), sending to the test's recorder over HTTP.
 */
public final class ChildInstance {
    private ChildInstance() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApplicationContext.builder().environments("test").properties(Map.of(
                "spec.name", "CampaignChild",
                "uptake.test.recorder-url", args[0],
                "uptake.test.instance", args[1],
                "uptake.campaign.throttle.messages-per-second", "40",
                "uptake.campaign.dispatcher.lease", "3s",
                "uptake.campaign.dispatcher.reconcile-after", "1s",
                "uptake.campaign.housekeeping-interval", "500ms",
                "uptake.campaign.dispatcher.idle-poll", "100ms",
                // The test environment keeps the loops off; here they are what is tested.
                "uptake.campaign.dispatcher.enabled", true,
                "uptake.campaign.quartz.auto-start", true)).start();
        System.out.println("CHILD READY " + args[1]);
        Thread.currentThread().join();
    }
}
