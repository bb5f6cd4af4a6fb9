package io.uptake.sms;

import io.micronaut.core.annotation.Nullable;

/**
 * Where Notify's callbacks for letters go: the letter feature, which owns its rows (texts are the outbox's). Kept
 * here so that the one authenticated webhook serves both without this package knowing letters.
 */
public interface NotifyLetterReports {

    /**
     * Notify's status for a letter.
     *
     * @return false when no letter of ours has that reference or notification id
     */
    boolean report(@Nullable String reference, @Nullable String notificationId, String notifyStatus);
}
