package io.uptake.sms;

import io.micronaut.core.annotation.Nullable;
import uk.gov.service.notify.NotificationClientException;

/**
 * Notify's answers classified as the text sender classifies them ({@link NotifySmsSender#classify}), for the
 * letters posted through Notify: the same rule, whether Notify could have stored what we sent.
 */
public final class NotifyOutcomes {
    private NotifyOutcomes() {
    }

    public static SmsSender.SendResult classify(NotificationClientException e) {
        return NotifySmsSender.classify(e);
    }

    /**
     * Our row id from a Notify reference of ours ({@code prefix} then the id: "sms-" for texts, "letter-" for
     * letters, two id sequences kept apart), or null for any other reference.
     */
    @Nullable
    public static Long idOf(String prefix, @Nullable String reference) {
        if (reference == null || !reference.startsWith(prefix)) {
            return null;
        }
        try {
            return Long.parseLong(reference.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
