package io.uptake.campaign;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.db.EmbeddedDatabase;

import java.util.HashMap;
import java.util.Map;

/**
 * A service instance in its own JVM for the kill -9 test: the campaign engine (dispatcher and clustered Quartz)
 * and the HTTP API on the port given, on its own embedded PostgreSQL started as the run command starts it (data
 * directory from the system property uptake.data-dir, durable settings), sending to the test's recorder over HTTP.
 */
public final class ChildInstance {
    private ChildInstance() {
    }

    /**
     * Arguments: the recorder's URL (empty: this JVM's own {@link SentLog}), this instance's name, the HTTP port, then
     * any {@code key=value} properties that test needs on top of these (GOV.UK Notify's, say).
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> properties = new HashMap<>(Map.of(
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
                "uptake.campaign.quartz.auto-start", true));
        properties.put("micronaut.server.port", args[2]);
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            properties.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedServer server = ApplicationContext.builder().environments("test").properties(properties)
                .run(EmbeddedServer.class);
        EmbeddedDatabase.stopAfter(server);
        System.out.println("CHILD READY " + args[1]);
        Thread.currentThread().join();
    }
}
