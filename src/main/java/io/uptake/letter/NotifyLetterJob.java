package io.uptake.letter;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts due letters through Notify every {@code uptake.sms.notify.letter-interval} (30 s), in every instance: the claims (FOR UPDATE SKIP LOCKED, with a
 * lease) keep instances from sending one letter twice. Off with the dispatcher (tests that drive sending by hand).
 */
@Singleton
@Requires(beans = NotifyLetters.class)
@Requires(property = "uptake.campaign.dispatcher.enabled", notEquals = "false")
class NotifyLetterJob {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyLetterJob.class);
    private final NotifyLetters letters;

    NotifyLetterJob(NotifyLetters letters) {
        this.letters = letters;
    }

    @Scheduled(fixedDelay = "${uptake.sms.notify.letter-interval}", initialDelay = "${uptake.sms.notify.letter-interval}")
    void run() {
        try {
            for (int i = 0; i < 100 && letters.sendDue(20) > 0; i++) {
                // keep going while letters are due
            }
        } catch (Exception e) {
            LOG.warn("Posting letters through Notify failed this time: {}", e.getClass().getSimpleName(), e);
        }
    }
}
