package io.uptake.letter;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the letters that stand in for texts that cannot arrive (LetterFallbacks) every minute, in every instance:
 * the letter's unique key keeps two instances from writing one twice. Off with the dispatcher (tests drive it by
 * hand). Printing a wave and posting through Notify run it too, so neither waits for the minute.
 */
@Singleton
@Requires(property = "uptake.campaign.dispatcher.enabled", notEquals = "false")
class LetterFallbackJob {
    private static final Logger LOG = LoggerFactory.getLogger(LetterFallbackJob.class);
    private final LetterFallbacks fallbacks;

    LetterFallbackJob(LetterFallbacks fallbacks) {
        this.fallbacks = fallbacks;
    }

    @Scheduled(fixedDelay = "60s", initialDelay = "25s")
    void run() {
        try {
            fallbacks.write(null);
        } catch (Exception e) {
            LOG.warn("Writing fallback letters failed this time, trying again in a minute: {}",
                    e.getClass().getSimpleName(), e);
        }
    }
}
