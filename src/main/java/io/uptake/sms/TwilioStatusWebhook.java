package io.uptake.sms;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Delivery status callbacks from Twilio (and, by the same route, from the simulated channel). Anonymous:
 * the X-Twilio-Signature over the public URL and the form is the only proof of origin, so nothing is
 * read from the form before it has been checked.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
class TwilioStatusWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(TwilioStatusWebhook.class);
    private final TwilioSignature signature;
    private final MessageStatusService statuses;
    private final SmsMetrics metrics;

    TwilioStatusWebhook(TwilioSignature signature, MessageStatusService statuses, SmsMetrics metrics) {
        this.signature = signature;
        this.statuses = statuses;
        this.metrics = metrics;
    }

    @Post(uri = MessageStatusService.STATUS_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> status(HttpRequest<?> request, @Body Map<String, String> form, @Nullable @QueryValue("m") String m) {
        if (!signature.isValid(request, form)) {
            metrics.webhookRejected("signature");
            LOG.warn("Rejected a status callback with a missing or wrong signature");
            return HttpResponse.status(HttpStatus.FORBIDDEN);
        }
        Long messageId = parseId(m);
        String sid = form.get("MessageSid");
        String status = form.getOrDefault("MessageStatus", form.get("SmsStatus"));
        if (status == null || (messageId == null && sid == null)) {
            metrics.webhookRejected("incomplete");
            return HttpResponse.badRequest();
        }
        MessageStatusService.Applied applied = statuses.applyCallback(messageId, sid, status, form.get("ErrorCode"));
        if (applied == MessageStatusService.Applied.NO_SUCH_MESSAGE) {
            // Signed by Twilio, so answered with success: a retry would not find the message either.
            metrics.webhookRejected("unknown-message");
        }
        return HttpResponse.noContent();
    }

    private static Long parseId(@Nullable String m) {
        if (m == null) {
            return null;
        }
        try {
            return Long.parseLong(m);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
