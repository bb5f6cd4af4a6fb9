package io.uptake.campaign;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

/** Tunables of the campaign engine (uptake.campaign.*); defaults are the issue's. */
@Singleton
public class CampaignSettings {
    /** The longest one Twilio call can take: pool wait 5 s + connect 5 s + read 15 s (TwilioClientFactory). */
    static final Duration ONE_PROVIDER_CALL = Duration.ofSeconds(25);
    final Duration catchUpLimit;
    final int batchSize;
    final int workers;
    final int sendConcurrency;
    final int sendsInFlight;
    final Duration idlePoll;
    final Duration lease;
    final Duration handOverLimit;
    final double messagesPerSecond;
    final Duration retryBase;
    final Duration retryCap;
    final int maxAttempts;
    final Duration reconcileAfter;
    final Duration housekeepingInterval;
    final List<String> deceasedEventTypes;

    CampaignSettings(@Value("${uptake.campaign.catch-up-limit:2d}") Duration catchUpLimit,
                     @Value("${uptake.campaign.dispatcher.batch-size:10}") int batchSize,
                     @Value("${uptake.campaign.dispatcher.workers:2}") int workers,
                     @Value("${uptake.campaign.dispatcher.send-concurrency:4}") int sendConcurrency,
                     @Value("${uptake.campaign.dispatcher.sends-in-flight:8}") int sendsInFlight,
                     @Value("${uptake.campaign.dispatcher.idle-poll:500ms}") Duration idlePoll,
                     @Value("${uptake.campaign.dispatcher.lease:2m}") Duration lease,
                     @io.micronaut.core.annotation.Nullable
                     @Value("${uptake.campaign.dispatcher.hand-over-limit:}") Duration handOverLimit,
                     @Value("${uptake.campaign.throttle.messages-per-second:10}") double messagesPerSecond,
                     @Value("${uptake.campaign.retry.base:30s}") Duration retryBase,
                     @Value("${uptake.campaign.retry.cap:30m}") Duration retryCap,
                     @Value("${uptake.campaign.retry.max-attempts:8}") int maxAttempts,
                     @Value("${uptake.campaign.dispatcher.reconcile-after:30s}") Duration reconcileAfter,
                     @Value("${uptake.campaign.housekeeping-interval:5s}") Duration housekeepingInterval,
                     @Value("${uptake.campaign.deceased-event-types:DECEASED}") List<String> deceasedEventTypes) {
        if (batchSize < 1 || workers < 0 || maxAttempts < 1 || sendConcurrency < 1 || sendsInFlight < 1) {
            throw new IllegalArgumentException(
                    "uptake.campaign: batch-size, send-concurrency, sends-in-flight and max-attempts must be >= 1,"
                            + " workers >= 0");
        }
        if (handOverLimit == null) {
            handOverLimit = lease.dividedBy(2);
        }
        if (handOverLimit.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("uptake.campaign.dispatcher: hand-over-limit (" + handOverLimit
                    + ") must be shorter than the lease (" + lease + "), or a send could outlive its claim");
        }
        if (lease.minus(handOverLimit).compareTo(ONE_PROVIDER_CALL) < 0) {
            // Not fatal (tests use short leases on purpose), but in production a send handed over just before
            // the limit could still be in flight when the lease runs out and another instance reconciles.
            org.slf4j.LoggerFactory.getLogger(CampaignSettings.class).warn(
                    "uptake.campaign.dispatcher: lease ({}) minus hand-over-limit ({}) is shorter than one provider"
                            + " call can take ({})", lease, handOverLimit, ONE_PROVIDER_CALL);
        }
        this.sendConcurrency = sendConcurrency;
        this.sendsInFlight = sendsInFlight;
        this.handOverLimit = handOverLimit;
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
}
