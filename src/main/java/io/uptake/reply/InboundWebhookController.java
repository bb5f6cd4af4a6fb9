package io.uptake.reply;

import io.micronaut.context.BeanProvider;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Twilio's "a message comes in" webhook. Anonymous, because Twilio cannot log in: the signature is the
 * authentication, so nothing is read or stored before it is checked.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class InboundWebhookController {
    static final String PATH = "/webhooks/twilio/inbound";
    private static final Logger LOG = LoggerFactory.getLogger(InboundWebhookController.class);
    private final TwilioSignature signature;
    private final InboundReplies replies;
    private final SendThrottle throttle;
    private final BeanProvider<SmsSender> channel;

    InboundWebhookController(TwilioSignature signature, InboundReplies replies, SendThrottle throttle,
                             BeanProvider<SmsSender> channel) {
        this.signature = signature;
        this.replies = replies;
        this.throttle = throttle;
        this.channel = channel;
    }

    @Post(value = PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_XML)
    HttpResponse<String> inbound(HttpRequest<?> request, @Body Map<String, String> form) {
        if (!signature.isValid(request, form)) {
            LOG.warn("Inbound webhook refused: missing or invalid {}", TwilioSignature.HEADER);
            return HttpResponse.<String>status(io.micronaut.http.HttpStatus.FORBIDDEN).body(Twiml.response(Optional.empty()));
        }
        InboundSms sms;
        try {
            sms = InboundSms.fromTwilio(form);
        } catch (IllegalArgumentException e) {
            return HttpResponse.<String>badRequest().body(Twiml.response(Optional.empty()));
        }
        InboundReplies.Answer answer = replies.receive(sms);
        if (answer.providerSendsNow()) {
            chargeThrottle(sms);
        }
        return HttpResponse.ok(Twiml.response(answer.text())).contentType(MediaType.TEXT_XML_TYPE);
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
