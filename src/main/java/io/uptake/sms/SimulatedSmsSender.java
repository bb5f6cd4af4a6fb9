package io.uptake.sms;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The default channel when no Twilio credentials are set: nothing leaves the service. It keeps its own
 * record of what it "sent" (table simulated_sms) and reports delivery through our status webhook exactly
 * as Twilio would (see {@link SimulatedCallbacks}). Ofcom drama numbers choose the path:
 * ...001 delivered, ...002 accepted but undelivered (30003), ...003 refused once as a temporary failure,
 * then accepted and delivered; any other number is delivered.
 */
@Singleton
@Requires(condition = TwilioConfigured.Absent.class)
class SimulatedSmsSender implements SmsSender {
    static final String CHANNEL = "simulated";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSmsSender.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcOperations jdbc;
    private final Clock clock;
    private final SmsMetrics metrics;
    private final SimulatedCallbacks callbacks;

    SimulatedSmsSender(JdbcOperations jdbc, Clock clock, SmsMetrics metrics, SimulatedCallbacks callbacks) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.metrics = metrics;
        this.callbacks = callbacks;
        LOG.warn("SMS channel: SIMULATED. No text leaves this service; set TWILIO_* to send for real.");
    }

    /** How the simulation treats a number, from its last three digits. */
    enum Script {
        DELIVERED("delivered", null), UNDELIVERED("undelivered", "30003"), TEMPORARY_FAILURE("delivered", null);

        final String finalStatus;
        final String errorCode;

        Script(String finalStatus, String errorCode) {
            this.finalStatus = finalStatus;
            this.errorCode = errorCode;
        }

        static Script of(String to) {
            if (to.endsWith("002")) {
                return UNDELIVERED;
            }
            return to.endsWith("003") ? TEMPORARY_FAILURE : DELIVERED;
        }
    }

    @Override
    @Transactional
    public SendResult send(OutboundSms sms) {
        return metrics.timeSend(CHANNEL, () -> record(sms));
    }

    private SendResult record(OutboundSms sms) {
        Script script = Script.of(sms.to());
        Instant now = clock.instant();
        if (script == Script.TEMPORARY_FAILURE && !refusedBefore(sms.messageId())) {
            insert(sms, null, "RETRYABLE", null, null, now);
            LOG.info("Simulated send of message {}: temporary failure (simulated)", sms.messageId());
            return new SendResult(SendResult.Outcome.RETRYABLE, null, "20429", "simulated temporary failure");
        }
        String sid = "SMsim" + HexFormat.of().formatHex(randomBytes());
        insert(sms, sid, "ACCEPTED", script.finalStatus, script.errorCode, now);
        callbacks.schedule(sms.messageId(), sid, sms.to(), sms.statusCallbackUrl(), script.finalStatus,
                script.errorCode);
        LOG.debug("Simulated send of message {}: accepted (simulated)", sms.messageId());
        return new SendResult(SendResult.Outcome.ACCEPTED, sid, null, "simulated");
    }

    private boolean refusedBefore(long messageId) {
        return jdbc.prepareStatement(
                "SELECT 1 FROM simulated_sms WHERE message_id = ? AND outcome = 'RETRYABLE' LIMIT 1", ps -> {
                    ps.setLong(1, messageId);
                    try (var rs = ps.executeQuery()) {
                        return rs.next();
                    }
                });
    }

    private void insert(OutboundSms sms, String sid, String outcome, String finalStatus, String errorCode, Instant at) {
        jdbc.prepareStatement("""
                INSERT INTO simulated_sms (message_id, provider_sid, to_number, body, outcome, final_status, error_code,
                                           created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", ps -> {
            ps.setLong(1, sms.messageId());
            ps.setString(2, sid);
            ps.setString(3, sms.to());
            ps.setString(4, sms.body());
            ps.setString(5, outcome);
            ps.setString(6, finalStatus);
            ps.setString(7, errorCode);
            ps.setTimestamp(8, Timestamp.from(at));
            return ps.executeUpdate();
        });
    }

    @Override
    @Transactional
    public Optional<SendResult> reconcile(OutboundSms sms, Instant since) {
        return jdbc.prepareStatement("""
                SELECT provider_sid FROM simulated_sms
                WHERE message_id = ? AND outcome = 'ACCEPTED' AND created_at >= ?
                ORDER BY id LIMIT 1""", ps -> {
            ps.setLong(1, sms.messageId());
            ps.setTimestamp(2, Timestamp.from(since));
            try (var rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new SendResult(SendResult.Outcome.ACCEPTED, rs.getString(1), null, "found by reconcile"))
                        : Optional.empty();
            }
        });
    }

    /** The simulation keeps our message id with each text it "sent". */
    @Override
    public boolean reconcilesByOwnId() {
        return true;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
