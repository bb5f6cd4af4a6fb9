package io.uptake.campaign;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

/**
 * Tunables of the campaign engine ({@code uptake.campaign.*}), bound by {@code @ConfigurationProperties}. Their one
 * set of defaults is application.yml, where each is explained; a key missing there (or set empty) stops the
 * service at startup naming it, instead of a second default here drifting from the first.
 */
@Singleton
public class CampaignSettings {
    /** {@code uptake.campaign.*} */
    @ConfigurationProperties("uptake.campaign")
    record Engine(@Nullable Duration catchUpLimit, @Nullable Duration housekeepingInterval,
                  @Nullable List<String> deceasedEventTypes) {
    }

    /** {@code uptake.campaign.dispatcher.*} */
    @ConfigurationProperties("uptake.campaign.dispatcher")
    record Dispatching(@Nullable Integer workers, @Nullable Integer batchSize, @Nullable Integer sendConcurrency,
                       @Nullable Integer sendsInFlight, @Nullable Duration idlePoll, @Nullable Duration lease,
                       @Nullable Duration reconcileAfter) {
    }

    /** {@code uptake.campaign.throttle.*} */
    @ConfigurationProperties("uptake.campaign.throttle")
    record Throttle(@Nullable Double messagesPerSecond) {
    }

    /** {@code uptake.campaign.retry.*} */
    @ConfigurationProperties("uptake.campaign.retry")
    record Retry(@Nullable Duration base, @Nullable Duration cap, @Nullable Integer maxAttempts) {
    }

    final Duration catchUpLimit;
    final int batchSize;
    final int workers;
    final int sendConcurrency;
    final int sendsInFlight;
    final Duration idlePoll;
    final Duration lease;
    final double messagesPerSecond;
    final Duration retryBase;
    final Duration retryCap;
    final int maxAttempts;
    final Duration reconcileAfter;
    final Duration housekeepingInterval;
    final List<String> deceasedEventTypes;

    /** The event types that mean a patient died: no text, and no call. */
    public List<String> deceasedEventTypes() {
        return deceasedEventTypes;
    }

    CampaignSettings(Engine engine, Dispatching dispatching, Throttle throttle, Retry retry) {
        Duration catchUpLimit = required(engine.catchUpLimit(), "catch-up-limit");
        Duration housekeepingInterval = required(engine.housekeepingInterval(), "housekeeping-interval");
        List<String> deceasedEventTypes = required(engine.deceasedEventTypes(), "deceased-event-types");
        int batchSize = required(dispatching.batchSize(), "dispatcher.batch-size");
        int workers = required(dispatching.workers(), "dispatcher.workers");
        int sendConcurrency = required(dispatching.sendConcurrency(), "dispatcher.send-concurrency");
        int sendsInFlight = required(dispatching.sendsInFlight(), "dispatcher.sends-in-flight");
        Duration idlePoll = required(dispatching.idlePoll(), "dispatcher.idle-poll");
        Duration lease = required(dispatching.lease(), "dispatcher.lease");
        Duration reconcileAfter = required(dispatching.reconcileAfter(), "dispatcher.reconcile-after");
        double messagesPerSecond = required(throttle.messagesPerSecond(), "throttle.messages-per-second");
        Duration retryBase = required(retry.base(), "retry.base");
        Duration retryCap = required(retry.cap(), "retry.cap");
        int maxAttempts = required(retry.maxAttempts(), "retry.max-attempts");
        if (batchSize < 1 || workers < 0 || maxAttempts < 1 || sendConcurrency < 1 || sendsInFlight < 1) {
            throw new IllegalArgumentException(
                    "uptake.campaign: batch-size, send-concurrency, sends-in-flight and max-attempts must be >= 1,"
                            + " workers >= 0");
        }
        this.sendConcurrency = sendConcurrency;
        this.sendsInFlight = sendsInFlight;
        this.catchUpLimit = catchUpLimit;
        this.batchSize = batchSize;
        this.workers = workers;
        this.idlePoll = idlePoll;
        this.lease = lease;
        this.messagesPerSecond = messagesPerSecond;
        this.retryBase = retryBase;
        this.retryCap = retryCap;
        this.maxAttempts = maxAttempts;
        this.reconcileAfter = reconcileAfter;
        this.housekeepingInterval = housekeepingInterval;
        this.deceasedEventTypes = List.copyOf(deceasedEventTypes);
    }

    private static <T> T required(@Nullable T value, String key) {
        if (value == null) {
            throw new IllegalStateException("uptake.campaign." + key + " is not set: application.yml holds its"
                    + " default, so set it there or in the environment");
        }
        return value;
    }
}
