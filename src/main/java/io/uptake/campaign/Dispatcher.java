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
import io.uptake.template.Placeholders;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    private final Timer claimTime;
    private final Timer recordTime;
    private final Map<String, Counter> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each programme's qualifying event types, as two parallel lists for the claim's unnest. */
    private final List<String> qualifyingProgrammes = new ArrayList<>();
    private final List<String> qualifyingEvents = new ArrayList<>();
    /** Why a message gave up a provider id a reconcile had matched (see settleProviderIds). */
    private static final String LOOK_ALIKE = "the provider text a reconcile matched was another message's: to reconcile again";
    private static final Duration OPEN_CAMPAIGNS_TTL = Duration.ofSeconds(1);
    private static final java.util.concurrent.atomic.AtomicInteger SEND_THREADS = new java.util.concurrent.atomic.AtomicInteger();
    private volatile OpenCampaigns openCampaigns;
    /** Sends of all batches run here, sends-in-flight at most; null when sends are one at a time. */
    private final ExecutorService sendPool;
    private volatile boolean stopping;
    /** Set when the provider refuses this service (e.g. wrong credentials): no claims in that interval. */
    private volatile SenderPause senderPause;

    private record SenderPause(Instant from, Instant until) {
        boolean covers(Instant at) {
            return !at.isBefore(from) && at.isBefore(until);
        }
    }

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
        this.claimTime = Timer.builder("uptake.dispatcher.claim")
                .description("One claim of a batch with what its checks and texts need").register(meters);
        this.recordTime = Timer.builder("uptake.dispatcher.record")
                .description("Writing back the outcomes of one batch").register(meters);
        // One pool for the instance: while one worker claims or records, the others' texts use its threads,
        // so database work and provider calls overlap without more texts in flight than the pool allows.
        this.sendPool = settings.sendConcurrency < 2 ? null : Executors.newFixedThreadPool(settings.sendsInFlight, r -> {
            Thread t = new Thread(r, "sms-send-" + SEND_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (String code : programmes.codes()) {
            for (String e : programmes.find(code).orElseThrow().getQualifyingEvents()) {
                qualifyingProgrammes.add(code);
                qualifyingEvents.add(e);
            }
        }
    }

    /** Claimed message with what the checks and the text need, read in the same statement as the claim. */
    private record Claimed(long id, String was, long campaignId, long recipientId, long patientId, int wave,
                           String templateKey, String to, String language, Instant dueAt, Instant attemptedAt,
                           int attempts, Context context) {
    }

    private record Context(String campaignStatus, String programme, String nhsNumber, boolean optedOut,
                           boolean deceased, String conversion, String previousStatus, Placeholders values) {
    }

    /**
     * What to write back for one message. Null fields leave the column as it is.
     * {@code status} null means "back to what it was" (a released claim).
     */
    private record Update(long id, String status, String reason, String errorCode, String providerSid, String body,
                          Integer segments, Instant sentAt, Instant dueAt, int addAttempts, Instant attemptedAt,
                          boolean reconciled) {
        Update(long id, String status, String reason, String errorCode, String providerSid, String body,
               Integer segments, Instant sentAt, Instant dueAt, int addAttempts, Instant attemptedAt) {
            this(id, status, reason, errorCode, providerSid, body, segments, sentAt, dueAt, addAttempts, attemptedAt,
                    false);
        }

        /** Its provider id came from a reconcile's match, not from the provider's answer to our send. */
        Update asReconciled() {
            return new Update(id, status, reason, errorCode, providerSid, body, segments, sentAt, dueAt, addAttempts,
                    attemptedAt, true);
        }
    }

    /** Open campaigns as last read, so that a busy dispatcher does not re-read them for every batch. */
    private record OpenCampaigns(long readAtNanos, Map<Long, SendWindow> windows) {
    }

    /** One claim-check-send-record round; returns how many messages it claimed (0 = nothing due). */
    public int dispatchOnce(String instanceId) throws SQLException, InterruptedException {
        if (!senders.isPresent() || !texts.isPresent()) {
            return 0;
        }
        Instant now = clock.instant();
        if (senderPaused()) {
            return 0;
        }
        Map<Long, SendWindow> open = openCampaigns(now);
        if (open.isEmpty()) {
            return 0;
        }
        // Each claim gets its own token: the workers of one instance must not mistake each other's claims
        // (a batch that outlived its lease would otherwise overwrite a newer claim of the same message).
        String claimToken = instanceId + "/" + java.util.UUID.randomUUID();
        long started = System.nanoTime();
        List<Claimed> claimed = claim(claimToken, open.keySet(), now);
        claimTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (claimed.size() < settings.batchSize) {
            // Drained (or nearly): the next round reads the campaigns again, so a resumed or newly
            // launched campaign starts at once rather than after the cache's lifetime.
            openCampaigns = null;
        }
        if (claimed.isEmpty()) {
            return 0;
        }
        SmsSender sender = senders.get();
        List<Update> updates = new ArrayList<>(claimed.size());
        List<Claimed> toSend = new ArrayList<>(claimed.size());
        for (Claimed m : claimed) {
            Update stop = check(m, m.context(), open.get(m.campaignId()), now);
            if (stop != null) {
                updates.add(stop);
            } else {
                toSend.add(m);
            }
        }
        try {
            throttle.acquire(sender.channel(), toSend.size());
        } catch (InterruptedException e) {
            // Stopping while waiting for tokens: give the batch back now rather than at the lease's end.
            toSend.forEach(m -> updates.add(release(m, null)));
            recordUninterrupted(claimToken, updates, claimed);
            throw e;
        }
        if (System.nanoTime() - started > settings.handOverLimit.toNanos() / 2 && !toSend.isEmpty()) {
            // A long wait for send tokens: renew the lease, and keep only what is still ours, so the hand-over
            // limit again has its whole budget and no text goes out under a claim that may have run out.
            started = System.nanoTime();
            toSend = renew(claimToken, toSend, open, updates);
        }
        updates.addAll(sendAll(sender, toSend, started));
        started = System.nanoTime();
        recordUninterrupted(claimToken, updates, claimed);
        recordTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return claimed.size();
    }

    /**
     * Records the batch even when the worker is being stopped: an interrupt would make the pool refuse the
     * connection, and the outcomes of texts already sent would be lost to reconciliation.
     */
    private void recordUninterrupted(String claimToken, List<Update> updates, List<Claimed> claimed) throws SQLException {
        boolean interrupted = Thread.interrupted();
        try {
            apply(claimToken, updates, claimed);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Extends the lease of messages this claim still holds, and checks again what may have changed during the
     * wait: a paused or cancelled campaign, a window that closed. Returns what may still be sent; what is ours
     * but may not go now is released into {@code updates}; the rest is not ours any more and is left alone.
     */
    private List<Claimed> renew(String claimToken, List<Claimed> batch, Map<Long, SendWindow> windows,
                                List<Update> updates) throws SQLException {
        Map<Long, String> held = new HashMap<>();
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                UPDATE message m SET claimed_until = ? WHERE id = ANY(?) AND claimed_by = ? AND status = 'SENDING'
                RETURNING m.id, (SELECT c.status FROM campaign c WHERE c.id = m.campaign_id)""")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().plus(settings.lease)));
            ps.setArray(2, c.createArrayOf("bigint", batch.stream().map(Claimed::id).toArray()));
            ps.setString(3, claimToken);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        if (held.size() < batch.size()) {
            LOG.warn("{} of {} claimed messages were taken over while waiting for send tokens; not sending them",
                    batch.size() - held.size(), batch.size());
        }
        Instant now = clock.instant();
        List<Claimed> keep = new ArrayList<>();
        for (Claimed m : batch) {
            String campaignStatus = held.get(m.id());
            if (campaignStatus == null) {
                continue;
            }
            SendWindow window = windows.get(m.campaignId());
            if (!"SENDING".equals(campaignStatus)) {
                updates.add(release(m, null));
            } else if (!window.isOpen(now, holidays)) {
                updates.add(release(m, window.nextOpen(now, holidays)));
            } else {
                keep.add(m);
            }
        }
        return keep;
    }

    /**
     * SENDING campaigns whose window is open now; a closed window's messages wait (housekeeping defers them).
     * While batches come back full the list is reused for up to {@link #OPEN_CAMPAIGNS_TTL} of elapsed time
     * (a cache of a query, so not business time): it only chooses where to claim from; the claim reads each
     * campaign's status again and every claimed text is checked against the window at the current time, so a
     * pause stops sends at once even with a stale list.
     */
    private Map<Long, SendWindow> openCampaigns(Instant now) throws SQLException {
        OpenCampaigns cached = openCampaigns;
        if (cached != null && System.nanoTime() - cached.readAtNanos() < OPEN_CAMPAIGNS_TTL.toNanos()) {
            return cached.windows();
        }
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
        openCampaigns = open.isEmpty() ? null : new OpenCampaigns(System.nanoTime(), open);
        return open;
    }

    /**
     * Claims a batch and reads, in the same statement, everything the re-checks and the text need: one
     * round trip and one (autocommit) transaction per batch. The sub-selects read the snapshot before the
     * claim, which is what they should see: the claim changes only this batch's status and lease.
     */
    private List<Claimed> claim(String claimToken, java.util.Set<Long> campaignIds, Instant now) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                WITH due AS (
                    SELECT id, status AS was FROM message
                    WHERE status IN ('PENDING', 'UNKNOWN') AND due_at <= ? AND campaign_id = ANY(?)
                    ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE message m SET status = 'SENDING', claimed_by = ?, claimed_until = ?
                    FROM due WHERE m.id = due.id
                    RETURNING m.id, due.was, m.campaign_id, m.recipient_id, m.patient_id, m.wave, m.template_key,
                              m.to_number, m.language, m.due_at, m.attempted_at, m.attempts, m.sent_at)
                SELECT m.id, m.was, m.campaign_id, m.recipient_id, m.patient_id, m.wave, m.template_key,
                       m.to_number, m.language, m.due_at, m.attempted_at, m.attempts,
                       c.status, c.programme, p.nhs_number,
                       -- The opt-out rule (views of V80): the patient, or the number this text goes to, which
                       -- was frozen at launch and may no longer be the mobile on their record.
                       (EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = m.patient_id)
                        OR EXISTS (SELECT 1 FROM opted_out_number n WHERE n.phone = m.to_number)) AS opted_out,
                       EXISTS (SELECT 1 FROM event e WHERE e.patient_id = m.patient_id AND e.event_type = ANY(?)) AS deceased,
                       (SELECT e.event_type || ' dated ' || e.event_date
                        FROM event e JOIN unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS q(programme, event_type)
                             ON q.event_type = e.event_type AND q.programme = c.programme
                        WHERE e.patient_id = m.patient_id
                          AND (e.event_date >= w1.day OR (e.imported_at >= c.launched_at AND e.event_date >= c.as_of))
                        ORDER BY e.event_date LIMIT 1) AS conversion,
                       CASE WHEN m.wave > 1 THEN (
                           SELECT prev.status FROM message prev WHERE prev.campaign_id = m.campaign_id
                               AND prev.patient_id = m.patient_id AND prev.wave = m.wave - 1) END AS previous_status,
                       p.given_name, pr.name AS practice_name, pr.phone AS practice_phone,
                       -- Tracked booking link (issued once at launch) and the campaign's phone for replies.
                       bl.token AS booking_token, c.reply_phone
                FROM claimed m
                JOIN campaign c ON c.id = m.campaign_id
                LEFT JOIN booking_link bl ON bl.message_id = m.id
                JOIN patient p ON p.id = m.patient_id
                LEFT JOIN practice pr ON pr.code = p.practice_code
                -- The day of the patient's first text (or its due day): a wave-1 message is its own first text,
                -- so only reminders look the invitation up (CASE evaluates the sub-select only when needed).
                CROSS JOIN LATERAL (
                    SELECT CASE WHEN m.wave = 1
                                THEN CAST(COALESCE(m.sent_at, m.due_at) AT TIME ZONE 'Europe/London' AS DATE)
                                ELSE (SELECT CAST(COALESCE(w.sent_at, w.due_at) AT TIME ZONE 'Europe/London' AS DATE)
                                      FROM message w WHERE w.campaign_id = m.campaign_id AND w.patient_id = m.patient_id
                                        AND w.wave = 1) END AS day) w1
                ORDER BY m.due_at, m.id""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, c.createArrayOf("bigint", campaignIds.toArray()));
            ps.setInt(3, settings.batchSize);
            ps.setString(4, claimToken);
            ps.setTimestamp(5, Timestamp.from(now.plus(settings.lease)));
            ps.setArray(6, c.createArrayOf("text", settings.deceasedEventTypes.toArray()));
            ps.setArray(7, c.createArrayOf("text", qualifyingProgrammes.toArray()));
            ps.setArray(8, c.createArrayOf("text", qualifyingEvents.toArray()));
            List<Claimed> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String practice = rs.getString("practice_name");
                    String phone = rs.getString("reply_phone") != null ? rs.getString("reply_phone")
                            : rs.getString("practice_phone");
                    String token = rs.getString("booking_token");
                    Placeholders values = practice == null ? null
                            : new Placeholders(rs.getString("given_name"), practice, phone == null ? "" : phone,
                            token == null ? null : texts.get().bookingLink(token));
                    Context context = new Context(rs.getString(13), rs.getString(14), rs.getString(15),
                            rs.getBoolean(16), rs.getBoolean(17), rs.getString(18), rs.getString(19), values);
                    out.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getTimestamp(10).toInstant(), CampaignService.instant(rs, "attempted_at"), rs.getInt(12),
                            context));
                }
            }
            return out;
        }
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
            // Before anything else: whether it went out decides everything that follows. If it did not, the
            // patient checks below run before it is sent (see send).
            return null;
        }
        return checkPatient(m, c, now);
    }

    /** Opt-out, death, conversion and the earlier wave: null when the text may go to this patient now. */
    private Update checkPatient(Claimed m, Context c, Instant now) {
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

    /**
     * Sends the batch, up to send-concurrency texts at a time (the provider call is a network round trip,
     * and the bookkeeping per batch is cheap only if batches are not bound by one call after another).
     * A text not yet handed over once the hand-over limit (well inside the lease) has passed since the claim
     * is released, not sent: a slow provider must not keep a send going past our lease, when another
     * instance could take the message over. Every future is awaited, so no outcome is lost.
     */
    private List<Update> sendAll(SmsSender sender, List<Claimed> toSend, long claimedAtNanos) {
        long handOverUntil = claimedAtNanos + settings.handOverLimit.toNanos();
        List<Update> out = new ArrayList<>(toSend.size());
        if (sendPool == null || toSend.size() < 2) {
            for (Claimed m : toSend) {
                out.add(sendGuarded(sender, m, handOverUntil));
            }
            return out;
        }
        // send-concurrency runners per batch (the pool is shared by the workers) take the texts in order.
        Update[] results = new Update[toSend.size()];
        boolean[] taken = new boolean[toSend.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        // Set when the worker is interrupted (stopping): texts not yet handed over are released, not sent.
        java.util.concurrent.atomic.AtomicBoolean abort = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<?>> runners = new ArrayList<>();
        try {
            for (int r = 0; r < Math.min(settings.sendConcurrency, toSend.size()); r++) {
                runners.add(sendPool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < results.length; i = next.getAndIncrement()) {
                        taken[i] = true;
                        Claimed m = toSend.get(i);
                        results[i] = abort.get() ? release(m, null) : sendGuarded(sender, m, handOverUntil);
                    }
                }));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            abort.set(true); // shutting down: whatever no runner takes is released below
        }
        boolean interrupted = false;
        for (Future<?> runner : runners) {
            while (true) {
                try {
                    runner.get();
                    break;
                } catch (InterruptedException e) {
                    // Stopping: texts already being handed over still go out, and their outcomes must be recorded.
                    interrupted = true;
                    abort.set(true);
                } catch (ExecutionException e) {
                    LOG.error("A send runner failed; its texts are reconciled before any resend", e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < results.length; i++) {
            Claimed m = toSend.get(i);
            if (results[i] != null) {
                out.add(results[i]);
            } else if (taken[i]) {
                // A runner died with this text in hand: it may have gone, so it is reconciled first.
                out.add(new Update(m.id(), "UNKNOWN", "outcome unknown: the send was interrupted", null, null, null,
                        null, null, clock.instant().plus(settings.reconcileAfter), 0, null));
            } else {
                out.add(release(m, null));
            }
        }
        return out;
    }

    /** send() classifies every sender failure; anything escaping it may have followed the hand-over. */
    private Update sendGuarded(SmsSender sender, Claimed m, long handOverUntil) {
        try {
            return sendOrRelease(sender, m, handOverUntil);
        } catch (RuntimeException e) {
            LOG.error("Message {}: send failed unexpectedly, outcome unknown", m.id(), e);
            return new Update(m.id(), "UNKNOWN", "outcome unknown: " + e, null, null, null, null, null,
                    clock.instant().plus(settings.reconcileAfter), 0, null);
        }
    }

    private void pauseSender(SendResult r) {
        Instant now = clock.instant();
        boolean already = senderPaused();
        senderPause = new SenderPause(now, now.plus(settings.retryBase));
        if (!already) {
            LOG.error("The SMS provider refused this service ({}: {}): no texts until {}, then one tries again",
                    r.errorCode(), r.detail(), now.plus(settings.retryBase));
        }
    }

    /** For tests that replay the same business time with a fresh database. */
    void forgetSenderPause() {
        senderPause = null;
    }

    private boolean senderPaused() {
        SenderPause pause = senderPause;
        return pause != null && pause.covers(clock.instant());
    }

    private Update sendOrRelease(SmsSender sender, Claimed m, long handOverUntil) {
        if (senderPaused()) {
            return release(m, null);
        }
        if (Thread.currentThread().isInterrupted() || stopping || System.nanoTime() - handOverUntil > 0) {
            return release(m, null);
        }
        return send(sender, m, m.context(), handOverUntil);
    }

    private Update send(SmsSender sender, Claimed m, Context c, long handOverUntil) {
        Instant now = clock.instant();
        OutboundSms sms;
        CampaignTexts.Rendered text;
        try {
            if (c.values() == null) {
                throw new IllegalStateException("the patient's practice is not on record");
            }
            text = texts.get().render(c.programme(), m.templateKey(), m.language(), c.values());
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
                return outcome(m, c, earlier.get(), text, now, null).asReconciled();
            }
            // The provider has no text for it: sending now is the first real send, so everything a first send is
            // checked against applies (the patient may have opted out since), and the claim must still have time
            // (reconciling is itself provider calls, and the send must not outlive the lease).
            Update stop = checkPatient(m, c, now);
            if (stop != null) {
                return stop;
            }
            if (System.nanoTime() - handOverUntil > 0) {
                return release(m, null);
            }
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
            case SENDER_UNAVAILABLE -> {
                // Every text would fail the same way until someone fixes the configuration: stop sending for a
                // while (one text probes again after retry.base), and leave the text as it was, due when it was
                // due, without spending this patient's attempts. Its due time is untouched, so an outage longer
                // than the catch-up limit skips it, as any other downtime would.
                pauseSender(r);
                yield new Update(m.id(), "PENDING", "waiting: the SMS provider refused this service" + detail,
                        r.errorCode(), null, null, null, null, null, 0, attempt);
            }
            case PERMANENT_FAILURE -> new Update(m.id(), "FAILED", "permanent failure" + detail, r.errorCode(), null,
                    text.body(), text.segments(), null, null, 0, attempt);
            case OPTED_OUT -> {
                ledger.fromNumber(m.to(), m.patientId(), 0, OptOutLedger.Action.OPT_OUT,
                        OptOutLedger.Source.TWILIO_21610, "message " + m.id(), "dispatcher");
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
     * Writes every outcome of the batch in one statement (so one transaction and one round trip), with the
     * wave-1 index date of recipients whose invitation the provider took. Only rows this instance still
     * holds are touched: if our lease ran out and another instance took the message over, its
     * reconciliation decides instead. A status a callback already moved on from SENDING is kept.
     */
    private void apply(String claimToken, List<Update> updates, List<Claimed> claimed) throws SQLException {
        try {
            write(claimToken, updates, claimed);
        } catch (SQLException e) {
            if (!providerIdTaken(e)) {
                throw e;
            }
            // A reconcile matched a look-alike text (same number, same body) and so two messages claim one
            // provider id. Settle who owns it, then write the batch once more.
            write(claimToken, settleProviderIds(updates), claimed);
        }
    }

    private void write(String claimToken, List<Update> updates, List<Claimed> claimed) throws SQLException {
        Map<Long, Claimed> byId = new HashMap<>();
        claimed.forEach(m -> byId.put(m.id(), m));
        int n = updates.size();
        Long[] ids = new Long[n];
        String[] status = new String[n];
        Boolean[] released = new Boolean[n];
        String[] reason = new String[n];
        String[] errorCode = new String[n];
        String[] sid = new String[n];
        String[] body = new String[n];
        Integer[] segments = new Integer[n];
        String[] sentAt = new String[n];
        String[] dueAt = new String[n];
        Integer[] addAttempts = new Integer[n];
        String[] attemptedAt = new String[n];
        List<Long> invited = new ArrayList<>();
        List<String> invitedAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Update u = updates.get(i);
            Claimed m = byId.get(u.id());
            if (m.wave() == 1 && "QUEUED".equals(u.status()) && u.sentAt() != null) {
                invited.add(m.recipientId());
                invitedAt.add(text(u.sentAt()));
            }
            boolean back = u.status() == null;
            ids[i] = u.id();
            status[i] = back ? m.was() : u.status();
            released[i] = back;
            reason[i] = u.reason();
            errorCode[i] = u.errorCode();
            sid[i] = u.providerSid();
            body[i] = u.body();
            segments[i] = u.segments();
            sentAt[i] = text(u.sentAt());
            dueAt[i] = text(u.dueAt());
            addAttempts[i] = u.addAttempts();
            attemptedAt[i] = text(u.attemptedAt());
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH u AS (
                    SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS BOOLEAN[]), CAST(? AS TEXT[]),
                                         CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS INT[]),
                                         CAST(? AS TIMESTAMPTZ[]), CAST(? AS TIMESTAMPTZ[]), CAST(? AS INT[]),
                                         CAST(? AS TIMESTAMPTZ[]))
                        AS u(id, status, released, reason, error_code, provider_sid, body, segments, sent_at, due_at,
                             add_attempts, attempted_at)),
                done AS (
                    -- A status callback can arrive before this record: then the row has left SENDING, and its
                    -- status, reason, error code and status time are the callback's, kept as they are.
                    UPDATE message m SET
                        status = CASE WHEN m.status = 'SENDING' THEN u.status ELSE m.status END,
                        reason = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.reason ELSE u.reason END,
                        error_code = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.error_code
                                          ELSE u.error_code END,
                        provider_sid = COALESCE(u.provider_sid, m.provider_sid), body = COALESCE(u.body, m.body),
                        segments = COALESCE(u.segments, m.segments), sent_at = COALESCE(u.sent_at, m.sent_at),
                        status_at = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.status_at ELSE ? END,
                        due_at = COALESCE(u.due_at, m.due_at), attempts = m.attempts + u.add_attempts,
                        attempted_at = COALESCE(u.attempted_at, m.attempted_at), claimed_by = NULL, claimed_until = NULL
                    FROM u WHERE m.id = u.id AND m.claimed_by = ?
                    RETURNING m.id)
                -- The index date is the day the invitation went, whoever records the message: even when our
                -- lease ran out meanwhile, this send time is truer than a later reconciliation's.
                UPDATE recipient r SET index_date = CAST(x.sent_at AT TIME ZONE 'Europe/London' AS DATE)
                FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TIMESTAMPTZ[])) AS x(recipient_id, sent_at)
                WHERE r.id = x.recipient_id AND r.index_date IS NULL""")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", status));
            ps.setArray(3, c.createArrayOf("bool", released));
            ps.setArray(4, c.createArrayOf("text", reason));
            ps.setArray(5, c.createArrayOf("text", errorCode));
            ps.setArray(6, c.createArrayOf("text", sid));
            ps.setArray(7, c.createArrayOf("text", body));
            ps.setArray(8, c.createArrayOf("int4", segments));
            ps.setArray(9, c.createArrayOf("text", sentAt));
            ps.setArray(10, c.createArrayOf("text", dueAt));
            ps.setArray(11, c.createArrayOf("int4", addAttempts));
            ps.setArray(12, c.createArrayOf("text", attemptedAt));
            ps.setTimestamp(13, Timestamp.from(clock.instant()));
            ps.setString(14, claimToken);
            ps.setArray(15, c.createArrayOf("bigint", invited.toArray()));
            ps.setArray(16, c.createArrayOf("text", invitedAt.toArray()));
            ps.executeUpdate();
        }
    }

    private static boolean providerIdTaken(SQLException e) {
        return e instanceof org.postgresql.util.PSQLException p && "23505".equals(p.getSQLState())
                && p.getServerErrorMessage() != null
                && "message_provider_sid_key".equals(p.getServerErrorMessage().getConstraint());
    }

    /**
     * Who owns a provider id that two messages claim. The provider's answer to a send is the truth: a message
     * of this batch that got the id from its own send keeps it, and another message holding it (a reconcile
     * adopted the look-alike before this batch recorded it) goes back to UNKNOWN, to be reconciled again and,
     * if the provider has nothing for it, checked and sent. A message of this batch that got the id from a
     * reconcile gives it up to whoever sent or holds it, and is reconciled again itself. Either way no text
     * is sent twice, and no message is recorded as sent on another's text.
     */
    private List<Update> settleProviderIds(List<Update> updates) throws SQLException {
        Map<String, Long> sentBy = new HashMap<>();
        List<Long> batch = new ArrayList<>();
        List<String> sids = new ArrayList<>();
        for (Update u : updates) {
            batch.add(u.id());
            if (u.providerSid() != null) {
                sids.add(u.providerSid());
                if (!u.reconciled()) {
                    sentBy.put(u.providerSid(), u.id());
                }
            }
        }
        Map<String, Long> heldElsewhere = holdersOutside(sids, batch);
        List<Long> takeFrom = new ArrayList<>();
        List<String> takeSids = new ArrayList<>();
        sentBy.forEach((sid, owner) -> {
            Long holder = heldElsewhere.get(sid);
            if (holder != null) {
                LOG.warn("Message {} held provider id {}, which the provider gave to message {}: reconciling it again",
                        holder, sid, owner);
                takeFrom.add(holder);
                takeSids.add(sid);
            }
        });
        Instant again = clock.instant().plus(settings.reconcileAfter);
        if (!takeFrom.isEmpty()) {
            takeBack(takeFrom, takeSids, again);
        }
        List<Update> settled = new ArrayList<>(updates.size());
        for (Update u : updates) {
            boolean someoneElses = u.reconciled() && u.providerSid() != null
                    && (sentBy.containsKey(u.providerSid()) || heldElsewhere.containsKey(u.providerSid()));
            if (someoneElses) {
                LOG.warn("Message {}: the provider text its reconcile matched ({}) is another message's; reconciling"
                        + " it again", u.id(), u.providerSid());
                settled.add(new Update(u.id(), "UNKNOWN", LOOK_ALIKE, null, null, u.body(), u.segments(), null, again,
                        0, null));
            } else {
                settled.add(u);
            }
        }
        return settled;
    }

    /** Which of {@code sids} messages outside {@code batch} hold, by id. */
    private Map<String, Long> holdersOutside(List<String> sids, List<Long> batch) throws SQLException {
        Map<String, Long> holders = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT provider_sid, id FROM message WHERE provider_sid = ANY(?) AND id <> ALL(?)")) {
            ps.setArray(1, c.createArrayOf("text", sids.toArray()));
            ps.setArray(2, c.createArrayOf("bigint", batch.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holders.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return holders;
    }

    /** Messages {@code ids} give up {@code sids}, which the provider gave to this batch's sends. */
    private void takeBack(List<Long> ids, List<String> sids, Instant again) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE message o SET provider_sid = NULL, sent_at = NULL, status = 'UNKNOWN', due_at = ?, reason = ?,
                       claimed_by = NULL, claimed_until = NULL
                FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[])) AS t(id, sid)
                WHERE o.id = t.id AND o.provider_sid = t.sid""")) {
            ps.setTimestamp(1, Timestamp.from(again));
            ps.setString(2, LOOK_ALIKE);
            ps.setArray(3, c.createArrayOf("bigint", ids.toArray()));
            ps.setArray(4, c.createArrayOf("text", sids.toArray()));
            ps.executeUpdate();
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    /** Called once the workers have stopped: texts not yet handed over are released by their batch. */
    @PreDestroy
    void close() {
        stopping = true;
        if (sendPool != null) {
            sendPool.shutdown();
            try {
                if (!sendPool.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("Sends still in flight at shutdown: their claims expire and are reconciled");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
