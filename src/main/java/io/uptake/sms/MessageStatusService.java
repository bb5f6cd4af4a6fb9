package io.uptake.sms;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.uptake.optout.OptOutLedger;
import io.uptake.outbox.MessageStatus;
import io.uptake.outbox.ProviderReports;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what a provider's word about a message (a send's result or a status callback) does to it, and
 * writes it through {@link ProviderReports}. Status only moves forward ({@link MessageStatus}: queued, sent, then
 * delivered, undelivered or failed) under a row lock, so duplicate, replayed and out-of-order callbacks, and a callback that overtakes the send's own
 * result, change nothing they should not.
 */
@Singleton
public class MessageStatusService {
    public static final String STATUS_PATH = "/webhooks/twilio/status";
    private static final Logger LOG = LoggerFactory.getLogger(MessageStatusService.class);
    /** Twilio's "Attempt to send to unsubscribed recipient". */
    static final String UNSUBSCRIBED = "21610";

    /** Twilio MessageStatus values and ours; statuses not here (e.g. canceled, received) are ignored. */
    private static final Map<String, MessageStatus> PROVIDER_STATUS = Map.of(
            "accepted", MessageStatus.QUEUED, "scheduled", MessageStatus.QUEUED, "queued", MessageStatus.QUEUED,
            "sending", MessageStatus.SENT, "sent", MessageStatus.SENT,
            "delivered", MessageStatus.DELIVERED, "read", MessageStatus.DELIVERED,
            "undelivered", MessageStatus.UNDELIVERED, "failed", MessageStatus.FAILED);

    /**
     * GOV.UK Notify's text statuses and ours (its "sent" is an international text with no receipt to come). A
     * temporary failure (phone off or out of signal until Notify gave up) is UNDELIVERED, as Twilio's 30003; a
     * permanent failure (no such number, or the network refused it) UNDELIVERED too, as Twilio's 30005: the
     * provider tried the network. A technical failure never left Notify: FAILED.
     */
    private static final Map<String, MessageStatus> NOTIFY_STATUS = Map.of(
            "created", MessageStatus.QUEUED, "sending", MessageStatus.SENT, "pending", MessageStatus.SENT,
            "sent", MessageStatus.SENT, "delivered", MessageStatus.DELIVERED,
            NotifyStatus.TEMPORARY_FAILURE, MessageStatus.UNDELIVERED,
            NotifyStatus.PERMANENT_FAILURE, MessageStatus.UNDELIVERED,
            NotifyStatus.TECHNICAL_FAILURE, MessageStatus.FAILED);

    /** Notify's failure statuses, which are also the error codes we record for them. */
    static final class NotifyStatus {
        static final String TEMPORARY_FAILURE = "temporary-failure";
        static final String PERMANENT_FAILURE = "permanent-failure";
        static final String TECHNICAL_FAILURE = "technical-failure";

        private NotifyStatus() {
        }
    }

    /** Words for the error codes a CCC will meet, so the message list says why. */
    private static final Map<String, String> ERROR_WORDS = Map.ofEntries(
            Map.entry(NotifyStatus.TEMPORARY_FAILURE, "phone off, out of signal or inbox full until Notify gave up"),
            Map.entry(NotifyStatus.PERMANENT_FAILURE, "number not in use, or the network refused the text"),
            Map.entry(NotifyStatus.TECHNICAL_FAILURE, "Notify could not pass the text to a network: not sent"),
            Map.entry(
            "21211", "invalid mobile number"),
            Map.entry("21614", "not a mobile number"),
            Map.entry(UNSUBSCRIBED, "recipient has unsubscribed from texts (STOP at the carrier)"),
            Map.entry("30003", "handset unreachable"),
            Map.entry("30005", "unknown or inactive number"),
            Map.entry("30006", "landline or unreachable carrier"),
            Map.entry("30007", "blocked by the carrier's filtering"),
            Map.entry("30008", "unknown delivery error"));

    public enum Applied { CHANGED, UNCHANGED, NO_SUCH_MESSAGE }

    private final ProviderReports reports;
    private final TransactionOperations<Connection> transactions;
    private final OptOutLedger optOuts;
    private final SmsMetrics metrics;
    private final Clock clock;
    private final TwilioSignature signature;

    MessageStatusService(ProviderReports reports, TransactionOperations<Connection> transactions, OptOutLedger optOuts,
                         SmsMetrics metrics, Clock clock, TwilioSignature signature) {
        this.reports = reports;
        this.transactions = transactions;
        this.optOuts = optOuts;
        this.metrics = metrics;
        this.clock = clock;
        this.signature = signature;
    }

    /** The absolute URL the provider calls with this message's delivery status. */
    public String statusCallbackUrl(long messageId) {
        return signature.publicUrl(STATUS_PATH + "?m=" + messageId);
    }

    /** What the dispatcher hands to {@link SmsSender#send}. */
    public SmsSender.OutboundSms outbound(long messageId, String to, String body) {
        return new SmsSender.OutboundSms(messageId, to, body, statusCallbackUrl(messageId));
    }

    /**
     * Records the result of one send on the message row. ACCEPTED moves it to QUEUED with the provider's
     * id; PERMANENT_FAILURE and OPTED_OUT to FAILED with the error (OPTED_OUT also writes the opt-out
     * ledger); UNKNOWN to UNKNOWN. RETRYABLE changes nothing: rescheduling (status and due time) belongs to
     * the dispatcher. Never moves a status backwards, so a callback that arrived first is kept.
     */
    public Applied applySendResult(long messageId, SmsSender.SendResult result) {
        return switch (result.outcome()) {
            case RETRYABLE, SENDER_UNAVAILABLE -> Applied.UNCHANGED;
            case ACCEPTED -> apply(messageId, null, MessageStatus.QUEUED, null, null, result.providerSid(), true);
            case UNKNOWN -> apply(messageId, null, MessageStatus.UNKNOWN, null,
                    "provider did not answer after the text was sent: reconcile before resending", null, false);
            case PERMANENT_FAILURE -> apply(messageId, null, MessageStatus.FAILED, result.errorCode(),
                    describe(result.errorCode(), result.detail()), null, false);
            case OPTED_OUT -> apply(messageId, null, MessageStatus.FAILED, UNSUBSCRIBED, describe(UNSUBSCRIBED, null),
                    null, false);
        };
    }

    /**
     * A provider status callback, found by our message id and/or the provider's message id.
     * Only the caller (the webhook) has checked where it came from.
     */
    Applied applyCallback(@Nullable Long messageId, @Nullable String providerSid, String providerStatus,
                          @Nullable String errorCode) {
        MessageStatus status = PROVIDER_STATUS.get(providerStatus == null ? "" : providerStatus.toLowerCase());
        if (status == null) {
            LOG.info("Ignoring provider status '{}' for message {}", providerStatus, messageId);
            return Applied.UNCHANGED;
        }
        String code = errorCode == null || errorCode.isBlank() || "0".equals(errorCode) ? null : errorCode;
        String reason = code == null ? null : describe(code, null);
        return apply(messageId, providerSid, status, code, reason, providerSid, true);
    }

    /**
     * A GOV.UK Notify status callback for a text, found by our message id (its reference) or, without one, by
     * Notify's notification id. Only the caller (the webhook) has checked its bearer token. A failure status is
     * also its error code, so the message list says why in words.
     */
    Applied applyNotifyCallback(@Nullable Long messageId, @Nullable String notificationId, String notifyStatus) {
        String key = notifyStatus == null ? "" : notifyStatus.toLowerCase(java.util.Locale.ROOT);
        MessageStatus status = NOTIFY_STATUS.get(key);
        if (status == null) {
            LOG.info("Ignoring Notify status '{}' for message {}", notifyStatus, messageId);
            return Applied.UNCHANGED;
        }
        String code = key.endsWith("-failure") ? key : null;
        return apply(messageId, notificationId, status, code, code == null ? null : describe(code, null),
                notificationId, true);
    }

    /** Ours for a Notify text status, or null for one we do not know (for the table test). */
    @Nullable
    static MessageStatus notifyStatus(String notifyStatus) {
        return NOTIFY_STATUS.get(notifyStatus);
    }

    private record Change(ProviderReports.Locked row, MessageStatus to) {
    }

    private Applied apply(@Nullable Long messageId, @Nullable String lookupSid, MessageStatus newStatus,
                          @Nullable String errorCode, @Nullable String reason, @Nullable String providerSid,
                          boolean providerTookIt) {
        Optional<Change> change = transactions.executeWrite(tx -> {
            Optional<ProviderReports.Locked> locked = reports.lockForReport(messageId, lookupSid);
            if (locked.isEmpty()) {
                return null;
            }
            ProviderReports.Locked row = locked.get();
            if (!row.status().movesForwardTo(newStatus)) {
                return Optional.<Change>empty();
            }
            if (providerSid != null && row.providerSid() != null && !row.providerSid().equals(providerSid)) {
                // Two provider messages for one row means the text went twice: worth a person's attention.
                LOG.warn("Message {} has a second provider message id; status still moves forward only", row.id());
            }
            reports.report(new ProviderReports.Report(row.id(), newStatus, errorCode, reason,
                    row.providerSid() == null ? providerSid : null, providerTookIt), clock.instant());
            if (UNSUBSCRIBED.equals(errorCode)) {
                optOuts.fromNumber(row.to(), row.patientId(), 0, OptOutLedger.Action.OPT_OUT,
                        OptOutLedger.Source.TWILIO_21610, providerSid != null ? providerSid : row.providerSid(),
                        "twilio");
            }
            return Optional.of(new Change(row, newStatus));
        });
        if (change == null) {
            LOG.warn("Status {} for a message we do not know (id {})", newStatus, messageId);
            return Applied.NO_SUCH_MESSAGE;
        }
        // Counted after commit, so a rolled-back change is not counted.
        change.ifPresent(c -> metrics.transition(c.row().status().name(), c.to().name()));
        return change.isPresent() ? Applied.CHANGED : Applied.UNCHANGED;
    }

    static String describe(@Nullable String errorCode, @Nullable String detail) {
        String words = errorCode == null ? null : ERROR_WORDS.get(errorCode);
        if (words != null) {
            return words + " (" + errorCode + ")";
        }
        if (errorCode != null) {
            return "provider error " + errorCode + (detail == null ? "" : ": " + detail);
        }
        return detail;
    }
}
