package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CampaignSettings is bound by @ConfigurationProperties from application.yml, its one set of defaults: a value
 * set in the environment overrides one key, every other comes from application.yml, and a key missing from both
 * stops the service naming it (no second default in Java).
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = "uptake.campaign.dispatcher.batch-size", value = "77")
class CampaignSettingsTest {
    @Inject
    CampaignSettings settings;

    @Test
    void oneKeySetInTheEnvironmentTheRestFromApplicationYml() {
        assertThat(settings.batchSize).isEqualTo(77);
        assertThat(settings.catchUpLimit).isEqualTo(Duration.ofDays(2));
        assertThat(settings.housekeepingInterval).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.deceasedEventTypes).containsExactly("DECEASED");
        assertThat(settings.workers).isEqualTo(2);
        assertThat(settings.sendConcurrency).isEqualTo(4);
        assertThat(settings.sendsInFlight).isEqualTo(8);
        assertThat(settings.idlePoll).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.lease).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.reconcileAfter).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.messagesPerSecond).isEqualTo(10.0);
        assertThat(settings.retryBase).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.retryCap).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.maxAttempts).isEqualTo(8);
    }

    @Test
    void aKeyMissingFromApplicationYmlStopsTheServiceNamingIt() {
        var engine = new CampaignSettings.Engine(Duration.ofDays(2), Duration.ofSeconds(5), List.of("DECEASED"));
        var dispatching = new CampaignSettings.Dispatching(2, 10, 4, 8, Duration.ofMillis(500), null,
                Duration.ofSeconds(30));
        var throttle = new CampaignSettings.Throttle(10.0);
        var retry = new CampaignSettings.Retry(Duration.ofSeconds(30), Duration.ofMinutes(30), 8);
        assertThatThrownBy(() -> new CampaignSettings(engine, dispatching, throttle, retry))
                .hasMessageContaining("uptake.campaign.dispatcher.lease is not set");
    }
}
