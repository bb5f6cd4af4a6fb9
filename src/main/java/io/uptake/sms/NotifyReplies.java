package io.uptake.sms;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.gov.service.notify.NotificationClient;
import uk.gov.service.notify.NotificationClientException;

import java.util.Map;

/**
 * Answers a patient's reply to a text sent through GOV.UK Notify (hazard H-023): Notify has no TwiML, so the
 * confirmation of a STOP, or the answer to HELP, goes as a text of its own, through the same ((body)) template as
 * the campaign's texts, with {@code reference} "reply-" and the reply's id, so that Notify's records lead back to it.
 */
@Singleton
@Requires(condition = NotifyConfigured.Texts.class)
public class NotifyReplies {
    static final String REFERENCE_PREFIX = "reply-";
    private static final Logger LOG = LoggerFactory.getLogger(NotifyReplies.class);
    private final NotificationClient client;
    private final NotifySettings settings;

    NotifyReplies(NotificationClient client, NotifySettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /** Sends {@code text} to {@code to}; whether Notify took it (a failure is logged, never thrown: it is an answer). */
    public boolean send(String to, String text, String inboundId) {
        try {
            client.sendSms(settings.getSmsTemplateId(), to, Map.of("body", text), REFERENCE_PREFIX + inboundId);
            return true;
        } catch (NotificationClientException | RuntimeException e) {
            LOG.warn("Notify did not take the answer to reply {}: {}", inboundId, e.getClass().getSimpleName());
            return false;
        }
    }
}
