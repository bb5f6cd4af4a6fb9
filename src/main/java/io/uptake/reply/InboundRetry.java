package io.uptake.reply;

import jakarta.inject.Singleton;
import io.uptake.web.FailureReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;

/**
 * Processes stored deliveries that were never processed (the webhook failed after storing, or the instance
 * died in between), oldest first. Idempotent by MessageSid: {@link InboundReplies#receive} answers a sid it
 * has already stored as before, so a retry racing the webhook's own request changes nothing twice. The
 * answer can no longer reach the patient (the webhook's response has gone), so none is sent.
 */
@Singleton
class InboundRetry {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRetry.class);
    private final InboundRaw raw;
    private final InboundReplies replies;
    private final InboundSettings settings;
    private final Clock clock;

    InboundRetry(InboundRaw raw, InboundReplies replies, InboundSettings settings, Clock clock) {
        this.raw = raw;
        this.replies = replies;
        this.settings = settings;
        this.clock = clock;
    }

    record Outcome(int processed, int failed, int invalid) {
    }

    Outcome run() {
        int processed = 0;
        int failed = 0;
        int invalid = 0;
        for (InboundRaw.Due due : raw.due(clock.instant().minus(settings.getRetryAfter()), settings.getRetryBatchSize())) {
            InboundSms sms;
            try {
                sms = parse(due.body());
            } catch (IllegalArgumentException | org.json.JSONException e) {
                raw.markInvalid(due.id());
                invalid++;
                continue;
            }
            try {
                replies.receive(sms, due.receivedAt(), true);
                processed++;
            } catch (RuntimeException e) {
                raw.markFailed(due.id(), e);
                failed++;
                LOG.error("Inbound {} (raw {}) failed again ({}): kept for the next retry", sms.messageSid(), due.id(),
                        FailureReport.describe(e), FailureReport.scrubbed(e));
            }
        }
        if (processed + failed + invalid > 0) {
            LOG.info("Inbound retry: {} processed late, {} failed again, {} invalid", processed, failed, invalid);
        }
        return new Outcome(processed, failed, invalid);
    }

    /** A raw delivery as it came: Notify's JSON (NotifyInboundWebhook) or Twilio's form. */
    static InboundSms parse(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("{")) {
            return NotifyInboundWebhook.fromNotify(new org.json.JSONObject(text));
        }
        Map<String, String> form = TwilioForm.parse(body);
        return InboundSms.fromTwilio(form);
    }
}
