package io.uptake.campaign;

import java.time.Duration;

/**
 * How often and how soon a text the provider did not take is tried again: capped exponential backoff after
 * each retryable failure, and FAILED once {@code maxAttempts} attempts have failed.
 */
record RetryPolicy(int maxAttempts, Duration base, Duration cap) {
    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be >= 1");
        }
    }

    static RetryPolicy of(CampaignSettings settings) {
        return new RetryPolicy(settings.maxAttempts, settings.retryBase, settings.retryCap);
    }

    /** Whether the {@code attempts}-th failed attempt was the last one allowed. */
    boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    /** The wait after the {@code attempts}-th retryable failure. */
    Duration backoff(int attempts) {
        long factor = 1L << Math.min(20, Math.max(0, attempts - 1));
        Duration wait = base.multipliedBy(factor);
        return wait.compareTo(cap) > 0 ? cap : wait;
    }
}
