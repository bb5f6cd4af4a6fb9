package io.uptake.sms;

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
}
