package io.uptake.reply;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** {@code uptake.reply.inbound.*}: the retry of stored deliveries that were not processed. */
@ConfigurationProperties("uptake.reply.inbound")
class InboundSettings {
    /** A stored delivery is retried once it is this old: long enough that its own request has finished. */
    private Duration retryAfter = Duration.ofSeconds(60);
    /** How often the cluster looks for them. */
    private Duration retryInterval = Duration.ofSeconds(60);
    /** At most this many per run, so that one run stays short. */
    private int retryBatchSize = 100;

    public Duration getRetryAfter() {
        return retryAfter;
    }

    public void setRetryAfter(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval;
    }

    public int getRetryBatchSize() {
        return retryBatchSize;
    }

    public void setRetryBatchSize(int retryBatchSize) {
        if (retryBatchSize < 1) {
            throw new IllegalArgumentException("uptake.reply.inbound.retry-batch-size must be at least 1");
        }
        this.retryBatchSize = retryBatchSize;
    }
}
