package io.uptake.reply;

import io.micronaut.context.BeanProvider;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.uptake.sms.TwilioSignature;
import io.uptake.campaign.SendThrottle;
import io.uptake.sms.SmsSender;
import io.uptake.web.FailureReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio's "a message comes in" webhook. Anonymous, because Twilio cannot log in: the signature is the
 * authentication, so nothing is stored before it is checked. Then the delivery is committed to
 * {@link InboundRaw} before anything else is done with it, because Twilio does not retry an inbound webhook:
 * if understanding or acting on it fails, the raw row stays (FAILED) and {@link InboundRetry} processes it.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class InboundWebhookController {
    static final String PATH = "/webhooks/twilio/inbound";
    private static final Logger LOG = LoggerFactory.getLogger(InboundWebhookController.class);
    private final TwilioSignature signature;
    private final InboundRaw raw;
    private final InboundReplies replies;
    private final SendThrottle throttle;
    private final BeanProvider<SmsSender> channel;
    private final Clock clock;

    InboundWebhookController(TwilioSignature signature, InboundRaw raw, InboundReplies replies, SendThrottle throttle,
                             BeanProvider<SmsSender> channel, Clock clock) {
        this.signature = signature;
        this.raw = raw;
        this.replies = replies;
        this.throttle = throttle;
        this.channel = channel;
        this.clock = clock;
    }

    /**
     * The body as bytes, so that the raw store keeps exactly what Twilio sent (and signed). Not {@code @Nullable}
     * (Micronaut warns it lets null through a primitive array): a post without a body gets Micronaut's 400.
     */
    @Post(value = PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_XML)
    HttpResponse<String> inbound(HttpRequest<?> request, @Body byte[] body) {
        byte[] bytes = body;
        Map<String, String> form;
        try {
            form = TwilioForm.parse(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("Inbound webhook refused: the form cannot be read");
            return twiml(HttpStatus.BAD_REQUEST, Optional.empty());
        }
        if (!signature.isValid(request, form)) {
            LOG.warn("Inbound webhook refused: missing or invalid {}", TwilioSignature.HEADER);
            return twiml(HttpStatus.FORBIDDEN, Optional.empty());
        }
        InboundRaw.Stored stored = raw.store(bytes, InboundSms.messageSid(form), clock.instant());
        InboundSms sms;
        try {
            sms = InboundSms.fromTwilio(form);
        } catch (IllegalArgumentException e) {
            raw.markInvalid(stored.id());
            LOG.warn("Inbound webhook {} is signed but lacks MessageSid or From: kept as INVALID", stored.id());
            return twiml(HttpStatus.BAD_REQUEST, Optional.empty());
        }
        InboundReplies.Answer answer;
        try {
            answer = replies.receive(sms, stored.receivedAt(), false);
        } catch (RuntimeException e) {
            // Kept, so not lost: answered 200 with no message (Twilio would not retry a 5xx anyway), and
            // the retry processes it. No auto-reply is sent for it, so nothing unrecorded is ever confirmed.
            raw.markFailed(stored.id(), e);
            LOG.error("Inbound {} (raw {}) is stored but could not be processed ({}): the retry will process it",
                    sms.messageSid(), stored.id(), FailureReport.describe(e), FailureReport.scrubbed(e));
            return twiml(HttpStatus.OK, Optional.empty());
        }
        if (answer.providerSendsNow()) {
            chargeThrottle(sms);
        }
        return twiml(HttpStatus.OK, answer.text());
    }

    private static HttpResponse<String> twiml(HttpStatus status, Optional<String> message) {
        return HttpResponse.<String>status(status).body(Twiml.response(message)).contentType(MediaType.TEXT_XML_TYPE);
    }

    /**
     * The provider sends the answer at once from the same number, ahead of any bulk text: its slot comes out
     * of the shared bucket, into debt if need be, so the bulk dispatchers leave it free (replies before bulk,
     * and the number's rate holds). Charged after the reply's transaction, never holding two connections;
     * a failure here must not cost the patient the answer.
     */
    private void chargeThrottle(InboundSms sms) {
        try {
            if (channel.isPresent()) {
                throttle.charge(channel.get().channel(), 1);
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warn("Inbound {}: could not charge the send throttle for the answer", sms.messageSid(), e);
        }
    }
}
