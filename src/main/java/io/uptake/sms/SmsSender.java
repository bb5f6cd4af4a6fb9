package io.uptake.sms;

import java.time.Instant;
import java.util.Optional;

/**
 * The port through which every text leaves: Twilio or GOV.UK Notify in production, the simulated channel otherwise.
 * An adapter never retries on its own: the caller owns the retry policy, so that a timeout can
 * never silently become a second text.
 */
public interface SmsSender {

    SendResult send(OutboundSms sms);

    /**
     * After an {@link SendResult.Outcome#UNKNOWN} send: asks the provider whether a text for this message
     * was in fact accepted. Empty when the provider shows none, so the caller may send again safely. ACCEPTED
     * (with the provider's id) when it has it; UNKNOWN when the provider could not be asked (try again later,
     * do not resend). Never ACCEPTED with a provider id already recorded on another of our messages.
     * <p>
     * By our own id when the adapter can ({@link #reconcilesByOwnId}); otherwise by number, body and time
     * since {@code since}, and then the caller runs one such reconcile per number at a time.
     */
    Optional<SendResult> reconcile(OutboundSms sms, Instant since);

    /**
     * Whether {@link #reconcile} finds a text by the message id we sent with it. False by default: the
     * lookup matches by content, and identical texts to one number look alike.
     */
    default boolean reconcilesByOwnId() {
        return false;
    }

    /** "twilio", "notify" or "simulated": shown in logs and pages so that nobody mistakes a rehearsal. */
    String channel();

    /**
     * The most texts a second the provider itself allows (Notify: 3,000 requests a minute), which the send throttle
     * never exceeds whatever it is set to; infinite when the provider sets no rate of its own to us.
     */
    default double maxMessagesPerSecond() {
        return Double.POSITIVE_INFINITY;
    }

    /** @param messageId our message id, carried in the status callback URL */
    record OutboundSms(long messageId, String to, String body, String statusCallbackUrl) {
    }

    record SendResult(Outcome outcome, String providerSid, String errorCode, String detail) {
        public enum Outcome {
            /** The provider took it; delivery status follows by callback. */
            ACCEPTED,
            /** The provider did not take it (429, connection refused, 5xx before a body): safe to retry later. */
            RETRYABLE,
            /** Will never succeed (invalid or non-mobile number, e.g. 21211, 21614). */
            PERMANENT_FAILURE,
            /** The recipient has unsubscribed at the carrier/provider (21610): record an opt-out. */
            OPTED_OUT,
            /** The request may or may not have been taken (timeout after sending): reconcile before retrying. */
            UNKNOWN,
            /**
             * The provider refused us, not the text (e.g. wrong credentials, HTTP 401): nothing was taken, and
             * retrying this message will not help until the configuration is fixed. Not the message's fault.
             */
            SENDER_UNAVAILABLE
        }
    }
}
