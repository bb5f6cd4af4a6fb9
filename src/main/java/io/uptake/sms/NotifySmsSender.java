package io.uptake.sms;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.gov.service.notify.Notification;
import uk.gov.service.notify.NotificationClient;
import uk.gov.service.notify.NotificationClientException;
import uk.gov.service.notify.SendSmsResponse;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.uptake.sms.SmsSender.SendResult.Outcome.ACCEPTED;
import static io.uptake.sms.SmsSender.SendResult.Outcome.PERMANENT_FAILURE;
import static io.uptake.sms.SmsSender.SendResult.Outcome.RETRYABLE;
import static io.uptake.sms.SmsSender.SendResult.Outcome.SENDER_UNAVAILABLE;
import static io.uptake.sms.SmsSender.SendResult.Outcome.UNKNOWN;

/**
 * Sends texts through GOV.UK Notify: one text template whose content is {@code ((body))}, our rendered text as that
 * placeholder, and our message id as Notify's {@code reference} ({@link #reference}), so that a callback, and a
 * reconcile after a lost answer, find the message exactly. Failures are classified by whether Notify could have
 * taken the text (docs/SMS.md, "GOV.UK Notify"): only what it certainly did not take is RETRYABLE; a timeout after
 * the request was written, or a 5xx (Notify may have stored it before failing), is UNKNOWN and reconciled.
 */
@Context // created at startup, so that a second SMS provider configured beside it stops the service at once
@Requires(condition = NotifyConfigured.Texts.class)
class NotifySmsSender implements SmsSender {
    static final String CHANNEL = "notify";
    static final String REFERENCE_PREFIX = "sms-";
    private static final Logger LOG = LoggerFactory.getLogger(NotifySmsSender.class);

    private final NotificationClient client;
    private final NotifySettings settings;
    private final SmsMetrics metrics;
    private final RecordedProviderSids recorded;

    NotifySmsSender(NotificationClient client, NotifySettings settings, SmsMetrics metrics,
                    RecordedProviderSids recorded, @Value("${twilio.account-sid:}") String twilioAccount) {
        if (NotifySettings.present(twilioAccount)) {
            throw new IllegalStateException("Both Twilio (TWILIO_ACCOUNT_SID) and GOV.UK Notify texts"
                    + " (UPTAKE_NOTIFY_SMS_TEMPLATE_ID) are configured: texts go through one provider, so unset one"
                    + " (Notify may still post letters with UPTAKE_NOTIFY_LETTERS and no text template)");
        }
        this.client = client;
        this.settings = settings;
        this.metrics = metrics;
        this.recorded = recorded;
        LOG.info("SMS channel: GOV.UK Notify ({})", settings.getBaseUrl());
        if (!NotifySettings.present(settings.getInboundBearerToken())) {
            // Every text says "Reply STOP"; without Notify's received-text callback no reply reaches Uptake (H-023).
            LOG.warn("GOV.UK Notify sends the texts but UPTAKE_NOTIFY_INBOUND_TOKEN is unset: patients' replies,"
                    + " STOP included, will not reach Uptake. Set Notify's received-text callback to"
                    + " /webhooks/notify/inbound with that token (docs/SMS.md).");
        }
    }

    /** Notify's reference for our message: the prefix keeps texts and letters (two id sequences) apart. */
    static String reference(long messageId) {
        return REFERENCE_PREFIX + messageId;
    }

    /** Our message id from a Notify reference, or null when it is not one of our texts'. */
    @Nullable
    static Long messageId(@Nullable String reference) {
        return NotifyOutcomes.idOf(REFERENCE_PREFIX, reference);
    }

    @Override
    public SendResult send(OutboundSms sms) {
        return metrics.timeSend(CHANNEL, () -> {
            SendResult result = doSend(sms);
            if (result.outcome() != ACCEPTED) {
                LOG.warn("Notify send of message {}: {} (error {})", sms.messageId(), result.outcome(),
                        result.errorCode());
            }
            return result;
        });
    }

    private SendResult doSend(OutboundSms sms) {
        try {
            SendSmsResponse response = client.sendSms(settings.getSmsTemplateId(), sms.to(),
                    Map.of("body", sms.body()), reference(sms.messageId()));
            return new SendResult(ACCEPTED, response.getNotificationId().toString(), null, null);
        } catch (NotificationClientException e) {
            return classify(e);
        } catch (RuntimeException e) {
            // E.g. a 201 whose body could not be read: the request had gone, and Notify took it.
            return new SendResult(UNKNOWN, null, null, e.getClass().getSimpleName());
        }
    }

    /** Whether Notify could have taken the text, from its answer or from how the connection failed. */
    static SendResult classify(NotificationClientException e) {
        Throwable io = ioCause(e);
        if (io != null) {
            if (notConnected(io)) {
                // No connection was made, so no request was written.
                return new SendResult(RETRYABLE, null, null, io.getClass().getSimpleName());
            }
            // A read timeout, a reset or a closed connection after the request was written: Notify may have it.
            return new SendResult(UNKNOWN, null, null, io.getClass().getSimpleName());
        }
        return classify(e.getHttpResult(), e.getMessage());
    }

    /**
     * An answer from Notify's API, by its status and error body (docs.notifications.service.gov.uk, "Error codes").
     * Notify checks the key, the rate and daily limits, the template and the number before it stores a notification,
     * so a 4xx means it stored nothing. A 5xx does not: its API stores the notification, then queues it, and an
     * error after the store (or a 502/504 from in front of it) can leave a text that will go. So a 5xx is UNKNOWN and
     * reconciled by reference before any resend, which Notify's own advice ("resend your notification") needs anyway.
     */
    static SendResult classify(int http, @Nullable String message) {
        Error error = Error.of(message);
        String code = error.name() == null ? "HTTP " + http : http + " " + error.name();
        String detail = TwilioSmsSender.scrub(error.message());
        if (http == 429) {
            if (error.text().contains("exceeded send limits")) {
                // The service's daily limit: nothing was taken, and every text will be refused until tomorrow.
                return new SendResult(SENDER_UNAVAILABLE, null, code, "Notify's daily limit is reached" + suffix(detail));
            }
            return new SendResult(RETRYABLE, null, code, detail);
        }
        if (http == 401 || http == 403) {
            return new SendResult(SENDER_UNAVAILABLE, null, code,
                    "Notify refused our key: check NOTIFY_API_KEY and this server's clock" + suffix(detail));
        }
        if (http == 400 && error.aboutTheService()) {
            // The template, the key's type or trial mode: the configuration is at fault, and no text would go.
            return new SendResult(SENDER_UNAVAILABLE, null, code, "Notify refused our configuration" + suffix(detail));
        }
        if (http >= 400 && http < 500) {
            return new SendResult(PERMANENT_FAILURE, null, code, detail);
        }
        return new SendResult(UNKNOWN, null, code, detail);
    }

    private static String suffix(@Nullable String detail) {
        return detail == null || detail.isBlank() ? "" : ": " + detail;
    }

    /** Notify's error body: {"status_code": 400, "errors": [{"error": "ValidationError", "message": "..."}]}. */
    record Error(@Nullable String name, @Nullable String message) {
        private static final Set<String> SERVICE_FAULTS = Set.of("template", "team-only", "trial mode",
                "missing personalisation", "sms_sender_id", "service is not allowed");

        static Error of(@Nullable String message) {
            if (message == null) {
                return new Error(null, null);
            }
            int json = message.indexOf('{');
            if (json < 0) {
                return new Error(null, message);
            }
            try {
                JSONArray errors = new JSONObject(message.substring(json)).optJSONArray("errors");
                if (errors == null || errors.isEmpty()) {
                    return new Error(null, null);
                }
                List<String> messages = new ArrayList<>();
                for (int i = 0; i < errors.length(); i++) {
                    messages.add(errors.getJSONObject(i).optString("message", ""));
                }
                return new Error(errors.getJSONObject(0).optString("error", null), String.join("; ", messages));
            } catch (JSONException e) {
                return new Error(null, null);
            }
        }

        String text() {
            return message == null ? "" : message.toLowerCase(Locale.ROOT);
        }

        boolean aboutTheService() {
            String t = text();
            // "phone_number ..." is about the number, even where the words would match.
            return !t.startsWith("phone_number") && SERVICE_FAULTS.stream().anyMatch(t::contains);
        }
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return t;
            }
        }
        return null;
    }

    private static boolean notConnected(Throwable io) {
        if (io instanceof ConnectException || io instanceof UnknownHostException
                || io instanceof NoRouteToHostException) {
            return true;
        }
        // The JDK tells a connect timeout from a read timeout only by its message.
        return io instanceof SocketTimeoutException && io.getMessage() != null
                && io.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out");
    }

    /** Notify finds a text by its reference, our message id: no content matching, so no per-number lock. */
    @Override
    public boolean reconcilesByOwnId() {
        return true;
    }

    /**
     * Asks Notify for the notifications with this message's reference (exact, unlike Twilio's body matching), made
     * since the attempt (less the slack for clock skew). Empty when there are none, so the caller may send again;
     * UNKNOWN when Notify could not be asked. A notification already recorded on another of our messages is never
     * adopted (a reference reused by a restored database, say).
     */
    @Override
    public Optional<SendResult> reconcile(OutboundSms sms, Instant since) {
        Instant after = since.minus(settings.getReconcileSlack());
        String reference = reference(sms.messageId());
        try {
            List<Notification> matches = client.getNotifications(null, "sms", reference, null).getNotifications()
                    .stream()
                    .filter(n -> n.getReference().map(reference::equals).orElse(false))
                    .filter(n -> n.getCreatedAt() == null || !n.getCreatedAt().toInstant().isBefore(after))
                    .toList();
            if (matches.isEmpty()) {
                LOG.info("Reconcile of message {}: Notify holds no such text", sms.messageId());
                return Optional.empty();
            }
            Set<String> others = recorded.recordedOnOtherMessages(sms.messageId(),
                    matches.stream().map(n -> n.getId().toString()).toList());
            Optional<Notification> ours = matches.stream().filter(n -> !others.contains(n.getId().toString()))
                    .min(Comparator.comparing(Notification::getCreatedAt,
                            Comparator.nullsLast(Comparator.naturalOrder())));
            if (ours.isEmpty()) {
                LOG.info("Reconcile of message {}: Notify's text with its reference is another message's",
                        sms.messageId());
                return Optional.empty();
            }
            LOG.info("Reconcile of message {}: Notify had accepted it", sms.messageId());
            return Optional.of(new SendResult(ACCEPTED, ours.get().getId().toString(), null, "found by reconcile"));
        } catch (NotificationClientException | RuntimeException e) {
            // Not knowing is not "absent": the caller must not resend on our say-so.
            LOG.warn("Reconcile of message {} failed: {}", sms.messageId(), e.getClass().getSimpleName());
            return Optional.of(new SendResult(UNKNOWN, null, null, "reconcile failed: " + e.getClass().getSimpleName()));
        }
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public double maxMessagesPerSecond() {
        return settings.getMaxMessagesPerSecond();
    }
}
