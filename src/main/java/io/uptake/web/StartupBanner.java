package io.uptake.web;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/** Tells a newcomer where the service is and how to get in, once it is listening. */
@Singleton
class StartupBanner implements ApplicationEventListener<ServerStartupEvent> {
    private final Environment environment;
    private final SmsChannelLabel channel;
    private final boolean embedded;
    private final String dataDir;

    StartupBanner(Environment environment, SmsChannelLabel channel,
                  @Value("${uptake.database.embedded:false}") boolean embedded,
                  @Value("${uptake.database.data-dir:}") String dataDir) {
        this.environment = environment;
        this.channel = channel;
        this.embedded = embedded;
        this.dataDir = dataDir;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (environment.getActiveNames().contains(Environment.TEST)) {
            return;
        }
        String url = event.getSource().getURL().toString();
        System.out.println("""

                Uptake is running: %s/ui
                  Log in as 'admin' (password from UPTAKE_ADMIN_PASSWORD, or the one printed at first start).
                  Database: %s
                  SMS channel: %s
                  API description: %s/swagger/uptake-0.1.0.yml
                """.formatted(url, embedded ? "embedded PostgreSQL, data in " + dataDir + " (set UPTAKE_DATA_DIR to choose)"
                        : "external PostgreSQL (DATASOURCES_DEFAULT_URL)",
                channel.simulated() ? "SIMULATED (no text leaves this service)" : "Twilio (texts are real)", url));
    }
}
