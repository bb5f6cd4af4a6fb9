package io.uptake.sms;

import com.twilio.base.ResourceSet;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.uptake.sms.SmsSender.SendResult.Outcome.ACCEPTED;
import static io.uptake.sms.SmsSender.SendResult.Outcome.OPTED_OUT;
import static io.uptake.sms.SmsSender.SendResult.Outcome.PERMANENT_FAILURE;
import static io.uptake.sms.SmsSender.SendResult.Outcome.RETRYABLE;
import static io.uptake.sms.SmsSender.SendResult.Outcome.SENDER_UNAVAILABLE;
import static io.uptake.sms.SmsSender.SendResult.Outcome.UNKNOWN;

/**
 * Sends through Twilio's Messages API with the injected client (see {@link TwilioHttpClient}: no automatic
 * resends). Every failure is classified by whether Twilio could have taken the text: only what it
 * certainly did not take is RETRYABLE; a timeout after the request was written is UNKNOWN.
 */
@Singleton
@Requires(condition = TwilioConfigured.class)
class TwilioSmsSender implements SmsSender {
    static final String CHANNEL = "twilio";
    private static final Logger LOG = LoggerFactory.getLogger(TwilioSmsSender.class);
    /** How many recent messages to a number the fallback reconcile looks through. */
    private static final long RECENT_PAGE = 50;
    private static final Set<Integer> NOT_A_MOBILE = Set.of(21211, 21614);

    private final TwilioRestClient client;
    private final String messagingServiceSid;
    private final String from;
    private final Duration reconcileSlack;
    private final SmsMetrics metrics;
    private final RecordedProviderSids recorded;

    TwilioSmsSender(TwilioRestClient client,
                    @Value("${twilio.messaging-service-sid:}") String messagingServiceSid,
                    @Value("${twilio.from:}") String from,
                    @Value("${uptake.sms.twilio.reconcile-slack:2m}") Duration reconcileSlack,
                    SmsMetrics metrics, RecordedProviderSids recorded) {
        this.client = client;
        this.messagingServiceSid = blankToNull(messagingServiceSid);
        this.from = blankToNull(from);
        this.reconcileSlack = reconcileSlack;
        this.metrics = metrics;
        this.recorded = recorded;
        if (this.messagingServiceSid == null && this.from == null) {
            throw new IllegalStateException(
                    "Twilio is configured without a sender: set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM");
        }
        LOG.info("SMS channel: Twilio ({})", this.messagingServiceSid != null ? "messaging service" : "from number");
    }

    @Override
    public SendResult send(OutboundSms sms) {
        return metrics.timeSend(CHANNEL, () -> {
            SendResult result = doSend(sms);
            if (result.outcome() != ACCEPTED) {
                LOG.warn("Twilio send of message {}: {} (error {})", sms.messageId(), result.outcome(),
                        result.errorCode());
            }
            return result;
        });
    }

    private SendResult doSend(OutboundSms sms) {
        PhoneNumber to = new PhoneNumber(sms.to());
        MessageCreator creator = messagingServiceSid != null
                ? Message.creator(to, messagingServiceSid, sms.body())
                : Message.creator(to, new PhoneNumber(from), sms.body());
        if (sms.statusCallbackUrl() != null) {
            creator.setStatusCallback(URI.create(sms.statusCallbackUrl()));
        }
        try {
            Message message = creator.create(client);
            return new SendResult(ACCEPTED, message.getSid(), null, null);
        } catch (ApiException e) {
            return classify(e);
        } catch (RuntimeException e) {
            // Anything else (e.g. an unreadable 201 body) happened after the request went out.
            return new SendResult(UNKNOWN, null, null, e.getClass().getSimpleName());
        }
    }

    /** Whether Twilio could have taken the text, from its answer or from how the connection failed. */
    static SendResult classify(ApiException e) {
        Integer http = e.getStatusCode();
        Integer code = e.getCode();
        String errorCode = code == null ? null : code.toString();
        String detail = scrub(e.getMessage());
        if (http != null) {
            if (code != null && code == 21610) {
                return new SendResult(OPTED_OUT, null, errorCode, detail);
            }
            if (http == 429 || (code != null && code == 20429) || http >= 500) {
                return new SendResult(RETRYABLE, null, errorCode == null ? "HTTP " + http : errorCode, detail);
            }
            if (http == 401) {
                // Our credentials are wrong: Twilio took nothing, and no message is at fault.
                return new SendResult(SENDER_UNAVAILABLE, null, errorCode == null ? "HTTP 401" : errorCode,
                        "Twilio refused our credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
            }
            if ((code != null && NOT_A_MOBILE.contains(code)) || http >= 400) {
                return new SendResult(PERMANENT_FAILURE, null, errorCode == null ? "HTTP " + http : errorCode,
                        detail);
            }
            return new SendResult(UNKNOWN, null, errorCode, detail);
        }
        Throwable cause = rootCauseOfInterest(e);
        if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
                || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException
                || cause instanceof ConnectionRequestTimeoutException) {
            // No connection was made, so no request was written.
            return new SendResult(RETRYABLE, null, null, cause.getClass().getSimpleName());
        }
        // A read timeout, a reset or a closed connection after the request was written: Twilio may have it.
        return new SendResult(UNKNOWN, null, null, cause == null ? detail : cause.getClass().getSimpleName());
    }

    private static Throwable rootCauseOfInterest(Throwable e) {
        Throwable t = e.getCause();
        while (t != null) {
            if (t instanceof java.io.IOException) {
                return t;
            }
            t = t.getCause();
        }
        return null;
    }

    /**
     * Looks for the text among messages Twilio holds to that number: those with Twilio's DateSent filter, and,
     * because a text still queued has no DateSent, the most recent messages to the number by creation time.
     * Twilio lists no reference of ours (not even the status callback URL, whose {@code ?m=} is how Twilio's
     * own reports find the message: a status callback settles an UNKNOWN message by our id before any lookup),
     * so this matches on the body, and a body Twilio rewrote (Smart Encoding) is not recognised: the caller then
     * sends again. Identical bodies to one number look the same here, so a text already recorded on another of
     * our messages is never adopted, and the caller serialises these lookups per number (the reconciler holds
     * the number's lock across the lookup and its record), so two of them cannot both take one text.
     */
    @Override
    public Optional<SendResult> reconcile(OutboundSms sms, Instant since) {
        Instant after = since.minus(reconcileSlack);
        try {
            ResourceSet<Message> sent = Message.reader()
                    .setTo(new PhoneNumber(sms.to()))
                    .setDateSentAfter(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                    .setPageSize(RECENT_PAGE)
                    .read(client);
            // Both listings, always: "oldest first" must hold across them, or a newer identical text already sent
            // would win over our own older text that is still queued (no DateSent, so only in the second).
            Map<String, Message> listed = new LinkedHashMap<>();
            sent.forEach(m -> listed.put(m.getSid(), m));
            Message.reader().setTo(new PhoneNumber(sms.to())).setPageSize(RECENT_PAGE).firstPage(client).getRecords()
                    .forEach(m -> listed.putIfAbsent(m.getSid(), m));
            Optional<Message> match = oldestUnrecorded(listed.values(), sms, after);
            if (match.isPresent()) {
                return found(sms, match.get());
            }
            LOG.info("Reconcile of message {}: Twilio holds no such text", sms.messageId());
            return Optional.empty();
        } catch (RuntimeException e) {
            // Not knowing is not "absent": the caller must not resend on our say-so.
            LOG.warn("Reconcile of message {} failed: {}", sms.messageId(), e.getClass().getSimpleName());
            return Optional.of(new SendResult(UNKNOWN, null, null, "reconcile failed: " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Oldest first among the texts that match and are on none of our other messages. Ours was created when
     * we tried to send it ({@code since}, at least reconcile-after ago), so it is among the older matches; no
     * newer text to the number can be in flight meanwhile (the claim sends none while one is UNKNOWN). Between
     * two of our texts that are both unrecorded (both UNKNOWN, from before that rule), either choice is as true
     * as the other: the second to reconcile then finds the one left, so each provider text is recorded once.
     */
    private Optional<Message> oldestUnrecorded(Iterable<Message> listed, OutboundSms sms, Instant after) {
        List<Message> matches = new ArrayList<>();
        for (Message m : listed) {
            if (isOurs(m, sms, after)) {
                matches.add(m);
            }
        }
        if (matches.isEmpty()) {
            return Optional.empty();
        }
        Set<String> others = recorded.recordedOnOtherMessages(sms.messageId(),
                matches.stream().map(Message::getSid).toList());
        if (!others.isEmpty()) {
            LOG.info("Reconcile of message {}: {} matching text(s) already recorded on other messages, passed over",
                    sms.messageId(), others.size());
        }
        return matches.stream().filter(m -> !others.contains(m.getSid()))
                .min(Comparator.comparing(TwilioSmsSender::created, Comparator.nullsLast(Comparator.naturalOrder())));
    }

    private static Instant created(Message m) {
        return m.getDateCreated() == null ? null : m.getDateCreated().toInstant();
    }

    private static Optional<SendResult> found(OutboundSms sms, Message m) {
        LOG.info("Reconcile of message {}: Twilio had accepted it", sms.messageId());
        return Optional.of(new SendResult(ACCEPTED, m.getSid(), null, "found by reconcile"));
    }

    private boolean isOurs(Message m, OutboundSms sms, Instant after) {
        boolean outbound = m.getDirection() == null || m.getDirection() != Message.Direction.INBOUND;
        boolean recent = m.getDateCreated() == null || !m.getDateCreated().toInstant().isBefore(after);
        boolean ourSender = messagingServiceSid == null || m.getMessagingServiceSid() == null
                || messagingServiceSid.equals(m.getMessagingServiceSid());
        // startsWith: a messaging service with Advanced Opt-Out may append its own opt-out line.
        return outbound && recent && ourSender && m.getBody() != null && m.getBody().strip().startsWith(sms.body().strip());
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    /** Twilio's error texts can quote the number; keep digits runs out of what we store and log. */
    static String scrub(@Nullable String text) {
        return text == null ? null : text.replaceAll("\\+?\\d[\\d ]{5,}\\d", "<number>");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
