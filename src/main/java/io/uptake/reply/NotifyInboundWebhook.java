package io.uptake.reply;

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
import io.uptake.campaign.SendThrottle;
import io.uptake.sms.NotifyReplies;
import io.uptake.sms.NotifySettings;
import io.uptake.web.FailureReport;
import org.json.JSONException;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * GOV.UK Notify's "received text messages" callback (hazard H-023): a patient's reply to a text sent through
 * Notify reaches Uptake as a Twilio reply does, so STOP is honoured, a call request or question reaches the inbox,
 * and a numbered choice is coded. Anonymous to our login: the bearer token set on that callback is the only proof of
 * origin, checked in constant time before anything is stored. Then, as for Twilio, the delivery is kept raw before it
 * is understood (a failure leaves it for {@link InboundRetry}); Notify's id keys it, so a callback Notify delivers
 * twice is acted on once. Notify has no TwiML: our answer goes as a text of its own ({@link NotifyReplies}), after
 * the reply's transaction.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
class NotifyInboundWebhook {
    static final String PATH = "/webhooks/notify/inbound";
    /** Our key for a Notify delivery, beside Twilio's MessageSids (SM…) in the same unique column. */
    static final String SID_PREFIX = "notify:";
    private static final Logger LOG = LoggerFactory.getLogger(NotifyInboundWebhook.class);
    private final NotifySettings settings;
    private final InboundRaw raw;
    private final InboundReplies replies;
    private final Optional<NotifyReplies> answers;
    private final SendThrottle throttle;
    private final Clock clock;

    NotifyInboundWebhook(NotifySettings settings, InboundRaw raw, InboundReplies replies,
                         Optional<NotifyReplies> answers, SendThrottle throttle, Clock clock) {
        this.settings = settings;
        this.raw = raw;
        this.replies = replies;
        this.answers = answers;
        this.throttle = throttle;
        this.clock = clock;
    }

    @Post(uri = PATH, consumes = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> inbound(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Body String body) {
        if (!NotifySettings.bearerMatches(settings.getInboundBearerToken(), authorization)) {
            LOG.warn("Rejected a Notify received-text callback with a missing or wrong bearer token");
            return HttpResponse.status(HttpStatus.UNAUTHORIZED);
        }
        InboundSms sms;
        try {
            sms = fromNotify(new JSONObject(body));
        } catch (JSONException | IllegalArgumentException e) {
            // Authenticated but unreadable: Notify does not retry a 4xx, and a retry would be as unreadable.
            LOG.warn("A Notify received-text callback without an id or a source number: refused");
            return HttpResponse.badRequest();
        }
        InboundRaw.Stored stored = raw.store(body.getBytes(StandardCharsets.UTF_8), sms.messageSid(), clock.instant());
        InboundReplies.Answer answer;
        try {
            answer = replies.receive(sms, stored.receivedAt(), false);
        } catch (RuntimeException e) {
            raw.markFailed(stored.id(), e);
            LOG.error("Notify reply {} (raw {}) is stored but could not be processed ({}): the retry will process it",
                    sms.messageSid(), stored.id(), FailureReport.describe(e), FailureReport.scrubbed(e));
            return HttpResponse.noContent();
        }
        if (answer.providerSendsNow() && answer.text().isPresent() && answers.isPresent()
                && answers.get().send(sms.from(), answer.text().get(), sms.messageSid().substring(SID_PREFIX.length()))) {
            try {
                throttle.charge("notify", 1); // the answer goes ahead of bulk texts, out of the shared bucket
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.warn("Notify reply {}: could not charge the send throttle for the answer", sms.messageSid(), e);
            }
        }
        return HttpResponse.noContent();
    }

    /**
     * Notify's payload: {@code id}, {@code source_number} (the patient's, often without its "+": 447700900111),
     * {@code destination_number} (the service's), {@code message}, {@code date_received}.
     *
     * @throws IllegalArgumentException without an id or a source number
     */
    static InboundSms fromNotify(JSONObject json) {
        String id = json.optString("id", "").strip();
        String from = json.optString("source_number", "").strip();
        if (id.isEmpty() || from.isEmpty()) {
            throw new IllegalArgumentException("id and source_number are required");
        }
        if (from.matches("0\\d{10}")) {
            from = "+44" + from.substring(1); // a UK number written nationally
        } else if (from.matches("\\d{11,15}")) {
            from = "+" + from; // E.164, as Twilio gives it and as our messages were sent
        }
        String to = json.optString("destination_number", "");
        String message = json.optString("message", "");
        boolean cleaned = !(InboundText.isStorable(from) && InboundText.isStorable(to) && InboundText.isStorable(message));
        return new InboundSms(InboundText.storable(SID_PREFIX + id), InboundText.storable(from),
                InboundText.storable(to), InboundText.storable(message), null, null, cleaned);
    }
}
