package io.uptake.sms;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * The real check of recorded provider ids, then a pause before the Twilio adapter answers: it widens the window
 * between a reconcile's "this text is on none of our messages" and its record, where a second reconcile of a text
 * to the same number would, unserialised, take the same provider text (CampaignReconcileByContentTest).
 */
@Singleton
@Replaces(MessageProviderSids.class)
@Requires(property = "spec.name", value = "CampaignReconcileByContentTest")
class SlowRecordedProviderSids implements RecordedProviderSids {
    static final Duration PAUSE = Duration.ofSeconds(1);
    private final MessageProviderSids real;

    SlowRecordedProviderSids(DataSource dataSource) {
        this.real = new MessageProviderSids(dataSource);
    }

    @Override
    public Set<String> recordedOnOtherMessages(long messageId, Collection<String> providerSids) {
        Set<String> recorded = real.recordedOnOtherMessages(messageId, providerSids);
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return recorded;
    }
}
