package io.uptake.sms;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import uk.gov.service.notify.BoundedNotificationClient;
import uk.gov.service.notify.NotificationClient;

import java.util.regex.Pattern;

/** The one GOV.UK Notify client of the service, from NOTIFY_API_KEY (for texts, letters or both). */
@Factory
@Requires(condition = NotifyConfigured.Key.class)
class NotifyClientFactory {
    /** A Notify API key: its name, then the service id and the secret, each a UUID. */
    private static final Pattern KEY = Pattern.compile(
            ".+-[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}-[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

    @Singleton
    NotificationClient notificationClient(NotifySettings settings) {
        String key = settings.getApiKey() == null ? "" : settings.getApiKey().strip();
        if (!KEY.matcher(key).matches()) {
            // Never quote the key: it is a secret even when malformed.
            throw new IllegalStateException("NOTIFY_API_KEY is not a GOV.UK Notify API key (its name, then the"
                    + " service id and the secret key, as Notify's API integration page shows it)");
        }
        return new BoundedNotificationClient(key, settings.getBaseUrl(), settings.getConnectTimeout(),
                settings.getReadTimeout());
    }

    /** Whether a string looks like a Notify API key, for the tests and the startup check above. */
    static boolean looksLikeKey(String key) {
        return key != null && KEY.matcher(key.strip()).matches();
    }
}
