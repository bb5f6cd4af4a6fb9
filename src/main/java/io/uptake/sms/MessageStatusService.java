package io.uptake.sms;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.TransactionOperations;
import io.uptake.optout.OptOutLedger;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a message row's delivery status changes, from a send's result or from a provider status
 * callback. Status only moves forward (queued, sent, then delivered, undelivered or failed) under a row
 * lock, so duplicate, replayed and out-of-order callbacks, and a callback that overtakes the send's own
 * result, change nothing they should not.
 */
@Singleton
public class MessageStatusService {
    public static final String STATUS_PATH = "/webhooks/twilio/status";
    private static final Logger LOG = LoggerFactory.getLogger(MessageStatusService.class);
    /** Twilio's "Attempt to send to unsubscribed recipient". */
    static final String UNSUBSCRIBED = "21610";

    /**
     * How far along a status is. Equal ranks never replace each other, so the first final status wins.
     * A cancelled or skipped message ranks with UNKNOWN: if the provider reports it, the text did go.
     */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("PENDING", 0), Map.entry("SENDING", 1), Map.entry("UNKNOWN", 2),
            Map.entry("CANCELLED", 2), Map.entry("SKIPPED", 2), Map.entry("QUEUED", 3), Map.entry("SENT", 4),
            Map.entry("DELIVERED", 5), Map.entry("UNDELIVERED", 5), Map.entry("FAILED", 5));

    /** Twilio MessageStatus values and ours; statuses not here (e.g. canceled, received) are ignored. */
    private static final Map<String, String> PROVIDER_STATUS = Map.of(
            "accepted", "QUEUED", "scheduled", "QUEUED", "queued", "QUEUED",
            "sending", "SENT", "sent", "SENT",
            "delivered", "DELIVERED", "read", "DELIVERED",
            "undelivered", "UNDELIVERED", "failed", "FAILED");

    /** Words for the error codes a CCC will meet, so the message list says why. */
    private static final Map<String, String> ERROR_WORDS = Map.of(
            "21211", "invalid mobile number",
            "21614", "not a mobile number",
            UNSUBSCRIBED, "recipient has unsubscribed from texts (STOP at the carrier)",
            "30003", "handset unreachable",
            "30005", "unknown or inactive number",
            "30006", "landline or unreachable carrier",
            "30007", "blocked by the carrier's filtering",
            "30008", "unknown delivery error");

    public enum Applied { CHANGED, UNCHANGED, NO_SUCH_MESSAGE }

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;
    private final OptOutLedger optOuts;
    private final SmsMetrics metrics;
    private final Clock clock;
    private final TwilioSignature signature;

    MessageStatusService(JdbcOperations jdbc, TransactionOperations<Connection> transactions, OptOutLedger optOuts,
                         SmsMetrics metrics, Clock clock, TwilioSignature signature) {
        this.jdbc = jdbc;
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
            case ACCEPTED -> apply(messageId, null, "QUEUED", null, null, result.providerSid(), true);
            case UNKNOWN -> apply(messageId, null, "UNKNOWN", null,
                    "provider did not answer after the text was sent: reconcile before resending", null, false);
            case PERMANENT_FAILURE -> apply(messageId, null, "FAILED", result.errorCode(),
                    describe(result.errorCode(), result.detail()), null, false);
            case OPTED_OUT -> apply(messageId, null, "FAILED", UNSUBSCRIBED, describe(UNSUBSCRIBED, null),
                    null, false);
        };
    }

    /**
     * A provider status callback, found by our message id and/or the provider's message id.
     * Only the caller (the webhook) has checked where it came from.
     */
    Applied applyCallback(@Nullable Long messageId, @Nullable String providerSid, String providerStatus,
                          @Nullable String errorCode) {
        String status = PROVIDER_STATUS.get(providerStatus == null ? "" : providerStatus.toLowerCase());
        if (status == null) {
            LOG.info("Ignoring provider status '{}' for message {}", providerStatus, messageId);
            return Applied.UNCHANGED;
        }
        String code = errorCode == null || errorCode.isBlank() || "0".equals(errorCode) ? null : errorCode;
        String reason = code == null ? null : describe(code, null);
        return apply(messageId, providerSid, status, code, reason, providerSid, true);
    }

    private record Row(long id, String status, String providerSid, long patientId, String to) {
    }

    private record Change(Row row, String to) {
    }

    private Applied apply(@Nullable Long messageId, @Nullable String lookupSid, String newStatus,
                          @Nullable String errorCode, @Nullable String reason, @Nullable String providerSid,
                          boolean providerTookIt) {
        Optional<Change> change = transactions.executeWrite(tx -> {
            Optional<Row> locked = lock(messageId, lookupSid);
            if (locked.isEmpty()) {
                return null;
            }
            Row row = locked.get();
            if (rank(newStatus) <= rank(row.status())) {
                return Optional.<Change>empty();
            }
            if (providerSid != null && row.providerSid() != null && !row.providerSid().equals(providerSid)) {
                // Two provider messages for one row means the text went twice: worth a person's attention.
                LOG.warn("Message {} has a second provider message id; status still moves forward only", row.id());
            }
            Instant now = clock.instant();
            jdbc.prepareStatement("""
                    UPDATE message SET status = ?, error_code = ?, reason = ?,
                        -- Not while a reconcile has given this id to a look-alike message: the dispatcher's
                        -- record settles who owns it, and the status still counts here.
                        provider_sid = COALESCE(provider_sid, (SELECT s.sid FROM (SELECT CAST(? AS TEXT) AS sid) s
                            WHERE NOT EXISTS (SELECT 1 FROM message o WHERE o.provider_sid = s.sid))),
                        sent_at = CASE WHEN ? THEN COALESCE(sent_at, ?) ELSE sent_at END,
                        status_at = ?
                    WHERE id = ?""", ps -> {
                ps.setString(1, newStatus);
                ps.setString(2, errorCode);
                ps.setString(3, reason);
                ps.setString(4, row.providerSid() == null ? providerSid : null);
                ps.setBoolean(5, providerTookIt);
                ps.setTimestamp(6, Timestamp.from(now));
                ps.setTimestamp(7, Timestamp.from(now));
                ps.setLong(8, row.id());
                return ps.executeUpdate();
            });
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
        change.ifPresent(c -> metrics.transition(c.row().status(), c.to()));
        return change.isPresent() ? Applied.CHANGED : Applied.UNCHANGED;
    }

    private Optional<Row> lock(@Nullable Long messageId, @Nullable String providerSid) {
        if (messageId == null && providerSid == null) {
            return Optional.empty();
        }
        String where = messageId != null ? "id = ?" : "provider_sid = ?";
        return jdbc.prepareStatement(
                "SELECT id, status, provider_sid, patient_id, to_number FROM message WHERE " + where + " FOR UPDATE",
                ps -> {
                    if (messageId != null) {
                        ps.setLong(1, messageId);
                    } else {
                        ps.setString(1, providerSid);
                    }
                    try (var rs = ps.executeQuery()) {
                        return rs.next()
                                ? Optional.of(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getString(5)))
                                : Optional.empty();
                    }
                });
    }

    static int rank(String status) {
        Integer rank = RANK.get(status);
        if (rank == null) {
            throw new IllegalArgumentException("Unknown message status " + status);
        }
        return rank;
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
