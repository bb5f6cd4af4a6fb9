package io.uptake.sms;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import org.json.JSONException;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * GOV.UK Notify's delivery status callbacks (its service's "Callbacks" page points here, with our bearer token).
 * Anonymous to our login: the bearer token Notify sends is the only proof of origin, so it is checked, in constant
 * time, before the body is read; a missing or wrong one is 401, and neither the token nor the body is logged. Notify
 * retries a callback that failed with 5xx or 429 and never one answered 2xx or 4xx, so a callback we cannot place
 * is still answered 204; a redelivered one changes nothing (status only moves forward).
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
class NotifyStatusWebhook {
    static final String PATH = "/webhooks/notify/status";
    private static final Logger LOG = LoggerFactory.getLogger(NotifyStatusWebhook.class);
    private final MessageStatusService statuses;
    private final SmsMetrics metrics;
    private final NotifySettings settings;
    private final Optional<NotifyLetterReports> letters;

    NotifyStatusWebhook(MessageStatusService statuses, SmsMetrics metrics, NotifySettings settings,
                        Optional<NotifyLetterReports> letters) {
        this.statuses = statuses;
        this.metrics = metrics;
        this.settings = settings;
        this.letters = letters;
    }

    @Post(uri = PATH, consumes = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> status(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Body String body) {
        if (!authorised(authorization)) {
            metrics.webhookRejected("notify-token");
            LOG.warn("Rejected a Notify callback with a missing or wrong bearer token");
            return HttpResponse.status(HttpStatus.UNAUTHORIZED);
        }
        JSONObject json;
        try {
            json = new JSONObject(body);
        } catch (JSONException e) {
            metrics.webhookRejected("incomplete");
            return HttpResponse.badRequest();
        }
        String id = json.optString("id", null);
        String reference = json.isNull("reference") ? null : json.optString("reference", null);
        String status = json.optString("status", null);
        String type = json.optString("notification_type", "sms");
        if (status == null || (id == null && reference == null)) {
            metrics.webhookRejected("incomplete");
            return HttpResponse.badRequest();
        }
        if ("letter".equals(type)) {
            if (letters.isEmpty() || !letters.get().report(reference, id, status)) {
                metrics.webhookRejected("unknown-message");
                LOG.warn("Notify letter status {} for a letter we do not know", status);
            }
            return HttpResponse.noContent();
        }
        if (!"sms".equals(type)) {
            LOG.info("Ignoring a Notify callback for a {}", type);
            return HttpResponse.noContent();
        }
        MessageStatusService.Applied applied = statuses.applyNotifyCallback(NotifySmsSender.messageId(reference), id,
                status);
        if (applied == MessageStatusService.Applied.NO_SUCH_MESSAGE) {
            // Authenticated, so answered with success: a retry would not find the message either.
            metrics.webhookRejected("unknown-message");
        }
        return HttpResponse.noContent();
    }

    /** The header is exactly "Bearer " and our token; with no token configured, nothing is. */
    private boolean authorised(@Nullable String authorization) {
        return NotifySettings.bearerMatches(settings.getCallbackBearerToken(), authorization);
    }
}
