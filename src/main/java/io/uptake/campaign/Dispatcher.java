package io.uptake.campaign;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.BeanProvider;
import io.uptake.optout.OptOutLedger;
import io.uptake.patient.NhsNumber;
import io.uptake.sms.SmsSender;
import io.uptake.sms.SmsSender.OutboundSms;
import io.uptake.sms.SmsSender.SendResult;
import io.uptake.sms.MessageStatusService;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends due messages: claims a small batch with FOR UPDATE SKIP LOCKED under a lease, re-checks each message
 * (campaign still sending, window open, within the catch-up limit, not opted out, not deceased, not converted,
 * earlier wave not failed), renders it, waits for the shared throttle, sends it and records the outcome.
 * A message whose lease ran out while SENDING may have gone out: housekeeping marks it UNKNOWN and it is
 * reconciled with the provider before any resend. Several instances run this at once; none can claim a
 * message another holds, and (campaign, patient, wave) is unique, so a wave cannot be sent twice.
 */
@Singleton
public class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private final DataSource db;
    private final Clock clock;
    private final CampaignSettings settings;
    private final BankHolidays holidays;
    private final Programmes programmes;
    private final CampaignService campaigns;
    private final BeanProvider<SmsSender> senders;
    private final BeanProvider<CampaignTexts> texts;
    private final SendThrottle throttle;
    private final OptOutLedger ledger;
    private final MessageStatusService statuses;
    private final MeterRegistry meters;
    private final Timer sendDelay;
    private final Map<String, Counter> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

    Dispatcher(DataSource dataSource, Clock clock, CampaignSettings settings, BankHolidays holidays,
               Programmes programmes, CampaignService campaigns, BeanProvider<SmsSender> senders,
               BeanProvider<CampaignTexts> texts, SendThrottle throttle, OptOutLedger ledger, MessageStatusService statuses,
               MeterRegistry meters) {
        this.db = RawDataSource.of(dataSource);
        this.clock = clock;
        this.settings = settings;
        this.holidays = holidays;
        this.programmes = programmes;
        this.campaigns = campaigns;
        this.senders = senders;
        this.texts = texts;
        this.throttle = throttle;
        this.ledger = ledger;
        this.statuses = statuses;
        this.meters = meters;
        this.sendDelay = Timer.builder("uptake.campaign.send.delay")
                .description("From a message's due time to its hand-over to the provider")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /** Claimed message with what the checks need. */
    private record Claimed(long id, String was, long campaignId, long recipientId, long patientId, int wave,
                           String templateKey, String to, String language, Instant dueAt, Instant attemptedAt,
                           int attempts) {
    }

    private record Context(String campaignStatus, String programme, String nhsNumber, boolean optedOut,
                           boolean deceased, String conversion, String previousStatus) {
    }

    /**
     * What to write back for one message. Null fields leave the column as it is.
     * {@code status} null means "back to what it was" (a released claim).
     */
    private record Update(long id, String status, String reason, String errorCode, String providerSid, String body,
                          Integer segments, Instant sentAt, Instant dueAt, int addAttempts, Instant attemptedAt) {
    }

    /** One claim-check-send-record round; returns how many messages it claimed (0 = nothing due). */
    public int dispatchOnce(String instanceId) throws SQLException, InterruptedException {
        if (!senders.isPresent() || !texts.isPresent()) {
            return 0;
        }
        Instant now = clock.instant();
        Map<Long, SendWindow> open = openCampaigns(now);
        if (open.isEmpty()) {
            return 0;
        }
        List<Claimed> claimed = claim(instanceId, open.keySet(), now);
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<Long, Context> context = context(claimed);
        SmsSender sender = senders.get();
        List<Update> updates = new ArrayList<>();
        List<Claimed> toSend = new ArrayList<>();
        for (Claimed m : claimed) {
            Update stop = check(m, context.get(m.id()), open.get(m.campaignId()), now);
            if (stop != null) {
                updates.add(stop);
            } else {
                toSend.add(m);
            }
        }
        throttle.acquire(sender.channel(), toSend.size());
        for (Claimed m : toSend) {
            Context c = context.get(m.id());
            if (Thread.currentThread().isInterrupted()) {
                updates.add(release(m, null));
                continue;
            }
            updates.add(send(sender, m, c));
        }
        apply(instanceId, updates, claimed);
        return claimed.size();
    }

    /** SENDING campaigns whose window is open now; a closed window's messages wait (housekeeping defers them). */
    private Map<Long, SendWindow> openCampaigns(Instant now) throws SQLException {
        Map<Long, SendWindow> open = new HashMap<>();
        try (Connection c = db.getConnection();
             var ps = c.prepareStatement("SELECT id, CAST(send_window AS TEXT) FROM campaign WHERE status = 'SENDING'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                SendWindow w = campaigns.parseWindow(rs.getString(2));
                try {
                    if (w.isOpen(now, holidays)) {
                        open.put(rs.getLong(1), w);
                    }
                } catch (BankHolidays.CalendarExpiredException e) {
                    LOG.error("Campaign {} cannot send: {}", rs.getLong(1), e.getMessage());
                }
            }
        }
        return open;
    }

    private List<Claimed> claim(String instanceId, java.util.Set<Long> campaignIds, Instant now) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("""
                    WITH due AS (
                        SELECT id, status AS was FROM message
                        WHERE status IN ('PENDING', 'UNKNOWN') AND due_at <= ? AND campaign_id = ANY(?)
                        ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
                    UPDATE message m SET status = 'SENDING', claimed_by = ?, claimed_until = ?
                    FROM due WHERE m.id = due.id
                    RETURNING m.id, due.was, m.campaign_id, m.recipient_id, m.patient_id, m.wave, m.template_key,
                              m.to_number, m.language, m.due_at, m.attempted_at, m.attempts""")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setArray(2, c.createArrayOf("bigint", campaignIds.toArray()));
                ps.setInt(3, settings.batchSize);
                ps.setString(4, instanceId);
                ps.setTimestamp(5, Timestamp.from(now.plus(settings.lease)));
                List<Claimed> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getTimestamp(10).toInstant(), CampaignService.instant(rs, "attempted_at"), rs.getInt(12)));
                    }
                }
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Map<Long, Context> context(List<Claimed> claimed) throws SQLException {
        List<String> progs = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (String code : programmes.codes()) {
            for (String e : programmes.find(code).orElseThrow().getQualifyingEvents()) {
                progs.add(code);
                events.add(e);
            }
        }
        Map<Long, Context> out = new HashMap<>();
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                SELECT m.id, c.status, c.programme, p.nhs_number,
                       EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = m.patient_id) AS opted_out,
                       EXISTS (SELECT 1 FROM event e WHERE e.patient_id = m.patient_id AND e.event_type = ANY(?)) AS deceased,
                       (SELECT e.event_type || ' dated ' || e.event_date
                        FROM event e JOIN unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS q(programme, event_type)
                             ON q.event_type = e.event_type AND q.programme = c.programme
                        WHERE e.patient_id = m.patient_id
                          AND (e.event_date >= w1.day OR (e.imported_at >= c.launched_at AND e.event_date >= c.as_of))
                        ORDER BY e.event_date LIMIT 1) AS conversion,
                       prev.status AS previous_status
                FROM message m
                JOIN campaign c ON c.id = m.campaign_id
                JOIN patient p ON p.id = m.patient_id
                LEFT JOIN message prev ON prev.campaign_id = m.campaign_id AND prev.patient_id = m.patient_id
                                      AND prev.wave = m.wave - 1
                CROSS JOIN LATERAL (
                    SELECT CAST(COALESCE(w.sent_at, w.due_at) AT TIME ZONE 'Europe/London' AS DATE) AS day
                    FROM message w WHERE w.campaign_id = m.campaign_id AND w.patient_id = m.patient_id AND w.wave = 1) w1
                WHERE m.id = ANY(?)""")) {
            ps.setArray(1, c.createArrayOf("text", settings.deceasedEventTypes.toArray()));
            ps.setArray(2, c.createArrayOf("text", progs.toArray()));
            ps.setArray(3, c.createArrayOf("text", events.toArray()));
            ps.setArray(4, c.createArrayOf("bigint", claimed.stream().map(Claimed::id).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new Context(rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBoolean(5), rs.getBoolean(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    /** Null when the message may be sent now; otherwise what to record instead. */
    private Update check(Claimed m, Context c, SendWindow window, Instant now) {
        if (!"SENDING".equals(c.campaignStatus())) {
            return release(m, null);
        }
        if (!window.isOpen(now, holidays)) {
            return release(m, window.nextOpen(now, holidays));
        }
        if (m.was().equals("PENDING") && Duration.between(m.dueAt(), now).compareTo(settings.catchUpLimit) > 0) {
            return stop(m, "SKIPPED", "missed: due " + m.dueAt() + ", more than the catch-up limit of "
                    + settings.catchUpLimit.toHours() + "h ago", now);
        }
        if (m.was().equals("UNKNOWN")) {
            // Before anything else: whether it went out decides everything that follows.
            return null;
        }
        if (c.optedOut()) {
            return stop(m, "CANCELLED", "opted out", now);
        }
        if (c.deceased()) {
            return stop(m, "CANCELLED", "patient deceased", now);
        }
        if (c.conversion() != null) {
            return stop(m, "CANCELLED", "converted: " + c.conversion(), now);
        }
        if (m.wave() > 1 && c.previousStatus() != null) {
            switch (c.previousStatus()) {
                case "FAILED" -> {
                    return stop(m, "CANCELLED", "earlier message failed permanently", now);
                }
                case "CANCELLED", "SKIPPED" -> {
                    return stop(m, "CANCELLED", "earlier message was not sent", now);
                }
                case "PENDING", "SENDING", "UNKNOWN" -> {
                    // The reminder waits for its invitation, e.g. one still being reconciled.
                    return release(m, now.plus(Duration.ofMinutes(1)));
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    private Update send(SmsSender sender, Claimed m, Context c) {
        Instant now = clock.instant();
        OutboundSms sms;
        CampaignTexts.Rendered text;
        try {
            text = texts.get().render(c.programme(), m.templateKey(), m.language(), m.patientId());
        } catch (RuntimeException e) {
            LOG.error("Message {} for {} cannot be rendered", m.id(), NhsNumber.mask(c.nhsNumber()), e);
            return new Update(m.id(), "FAILED", "cannot render the " + m.templateKey() + " text in " + m.language()
                    + ": " + e.getMessage(), "RENDER", null, null, null, null, null, 0, null);
        }
        sms = statuses.outbound(m.id(), m.to(), text.body());
        if (m.was().equals("UNKNOWN")) {
            Optional<SendResult> earlier;
            try {
                earlier = sender.reconcile(sms, m.attemptedAt() == null ? m.dueAt() : m.attemptedAt());
            } catch (RuntimeException e) {
                LOG.warn("Message {}: reconciliation failed, will try again", m.id(), e);
                return new Update(m.id(), "UNKNOWN", "reconciliation failed: " + e.getMessage(), null, null, null,
                        null, null, now.plus(settings.reconcileAfter), 0, null);
            }
            if (earlier.isPresent()) {
                count("reconciled");
                return outcome(m, c, earlier.get(), text, now, null);
            }
            // The provider has no text for it: sending now is the first real send.
        }
        SendResult result;
        Instant attempt = clock.instant();
        try {
            result = sender.send(sms);
        } catch (RuntimeException e) {
            // An adapter should classify; an exception escaping it leaves us not knowing, which is UNKNOWN.
            LOG.warn("Message {}: sender threw, outcome unknown", m.id(), e);
            result = new SendResult(SendResult.Outcome.UNKNOWN, null, null, e.getClass().getSimpleName());
        }
        sendDelay.record(Math.max(0, Duration.between(m.dueAt(), attempt).toMillis()), TimeUnit.MILLISECONDS);
        return outcome(m, c, result, text, clock.instant(), attempt);
    }

    private Update outcome(Claimed m, Context c, SendResult r, CampaignTexts.Rendered text, Instant now, Instant attempt) {
        count(r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        String detail = r.detail() == null ? "" : ": " + r.detail();
        return switch (r.outcome()) {
            case ACCEPTED -> new Update(m.id(), "QUEUED", null, null, r.providerSid(), text.body(), text.segments(),
                    now, null, 0, attempt);
            case RETRYABLE -> {
                int attempts = m.attempts() + 1;
                if (attempts >= settings.maxAttempts) {
                    yield new Update(m.id(), "FAILED", "gave up after " + attempts + " attempts" + detail, r.errorCode(),
                            null, text.body(), text.segments(), null, null, 1, attempt);
                }
                yield new Update(m.id(), "PENDING", "retrying" + detail, r.errorCode(), null, null, null, null,
                        now.plus(settings.backoff(attempts)), 1, attempt);
            }
            case PERMANENT_FAILURE -> new Update(m.id(), "FAILED", "permanent failure" + detail, r.errorCode(), null,
                    text.body(), text.segments(), null, null, 0, attempt);
            case OPTED_OUT -> {
                ledger.record(m.patientId(), m.to(), OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.TWILIO_21610,
                        "message " + m.id(), "dispatcher");
                yield new Update(m.id(), "FAILED", "recipient has unsubscribed at the provider" + detail,
                        r.errorCode() == null ? "21610" : r.errorCode(), null, text.body(), text.segments(), null, null, 0,
                        attempt);
            }
            case UNKNOWN -> new Update(m.id(), "UNKNOWN", "outcome unknown, to reconcile before any resend" + detail,
                    r.errorCode(), null, text.body(), text.segments(), null, now.plus(settings.reconcileAfter), 0, attempt);
        };
    }

    private static Update release(Claimed m, Instant dueAt) {
        return new Update(m.id(), null, null, null, null, null, null, null, dueAt, 0, null);
    }

    private static Update stop(Claimed m, String status, String reason, Instant now) {
        return new Update(m.id(), status, reason, null, null, null, null, null, null, 0, null);
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("uptake.campaign.messages")
                .description("Dispatcher outcomes by kind").tag("outcome", o).register(meters)).increment();
    }

    /**
     * Writes every outcome of the batch in one transaction. Only rows this instance still holds are touched:
     * if our lease ran out and another instance took the message over, its reconciliation decides instead.
     */
    private void apply(String instanceId, List<Update> updates, List<Claimed> claimed) throws SQLException {
        Map<Long, Claimed> byId = new HashMap<>();
        claimed.forEach(m -> byId.put(m.id(), m));
        Instant now = clock.instant();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE message SET
                        status = CASE WHEN status = 'SENDING' THEN ? ELSE status END,
                        reason = CASE WHEN ? THEN reason ELSE ? END,
                        error_code = CASE WHEN ? THEN error_code ELSE ? END, provider_sid = COALESCE(?, provider_sid),
                        body = COALESCE(?, body), segments = COALESCE(?, segments), sent_at = COALESCE(?, sent_at),
                        status_at = COALESCE(?, status_at), due_at = COALESCE(?, due_at), attempts = attempts + ?,
                        attempted_at = COALESCE(?, attempted_at), claimed_by = NULL, claimed_until = NULL
                    WHERE id = ? AND claimed_by = ?""");
                 PreparedStatement index = c.prepareStatement("""
                         UPDATE recipient SET index_date = ? WHERE id = ? AND index_date IS NULL""")) {
                boolean indexed = false;
                for (Update u : updates) {
                    Claimed m = byId.get(u.id());
                    boolean released = u.status() == null;
                    ps.setString(1, released ? m.was() : u.status());
                    ps.setBoolean(2, released);
                    ps.setString(3, u.reason());
                    ps.setBoolean(4, released);
                    ps.setString(5, u.errorCode());
                    ps.setString(6, u.providerSid());
                    ps.setString(7, u.body());
                    setInt(ps, 8, u.segments());
                    setTime(ps, 9, u.sentAt());
                    setTime(ps, 10, released ? null : now);
                    setTime(ps, 11, u.dueAt());
                    ps.setInt(12, u.addAttempts());
                    setTime(ps, 13, u.attemptedAt());
                    ps.setLong(14, u.id());
                    ps.setString(15, instanceId);
                    ps.addBatch();
                    if ("QUEUED".equals(u.status()) && m.wave() == 1) {
                        index.setObject(1, u.sentAt().atZone(SendWindow.LONDON).toLocalDate());
                        index.setLong(2, m.recipientId());
                        index.addBatch();
                        indexed = true;
                    }
                }
                ps.executeBatch();
                if (indexed) {
                    index.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setTime(PreparedStatement ps, int i, Instant v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setTimestamp(i, Timestamp.from(v));
        }
    }
}
