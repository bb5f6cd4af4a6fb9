package io.uptake.letter;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.uptake.sms.NotifyLetterReports;
import io.uptake.sms.NotifyOutcomes;
import io.uptake.sms.NotifySettings;
import io.uptake.sms.SmsSender.SendResult;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.gov.service.notify.LetterResponse;
import uk.gov.service.notify.Notification;
import uk.gov.service.notify.NotificationClient;
import uk.gov.service.notify.NotificationClientException;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Posts due letters through GOV.UK Notify as precompiled PDFs ({@code sendPrecompiledLetter}), when
 * {@code uptake.sms.notify.letters} is true, with the rules texts keep: a letter goes once, across retries, crashes
 * and instances. A batch is claimed with a lease (FOR UPDATE SKIP LOCKED); each letter is rendered alone (one that
 * cannot be fails alone, as when printed); its attempt is committed before the request goes, so after a crash or an
 * answer that never came it is reconciled by its reference ({@code letter-<id>}) before it is ever sent again.
 * Notify's letter callbacks come here through {@link NotifyLetterReports}.
 */
@Singleton
@Requires(property = "uptake.sms.notify.letters", value = "true")
@Requires(beans = NotificationClient.class)
public class NotifyLetters implements NotifyLetterReports {
    static final String REFERENCE_PREFIX = "letter-";
    private static final Logger LOG = LoggerFactory.getLogger(NotifyLetters.class);
    static final Duration RECONCILE_AFTER = Duration.ofSeconds(30);
    static final Duration RETRY_BASE = Duration.ofMinutes(1);
    static final Duration RETRY_CAP = Duration.ofHours(1);
    static final int MAX_ATTEMPTS = 8;

    /** Notify's letter statuses and ours; those not here (e.g. pending-virus-check) change nothing. */
    private static final Map<String, LetterStatus> STATUS = Map.of(
            "accepted", LetterStatus.SENT, "received", LetterStatus.DELIVERED,
            "cancelled", LetterStatus.REFUSED, "validation-failed", LetterStatus.REFUSED,
            "virus-scan-failed", LetterStatus.REFUSED, "technical-failure", LetterStatus.REFUSED,
            "permanent-failure", LetterStatus.REFUSED);
    private static final Map<String, String> WORDS = Map.of(
            "cancelled", "cancelled at Notify before it was printed",
            "validation-failed", "Notify could not print it: the PDF is not as its letter specification needs",
            "virus-scan-failed", "Notify's virus scan refused the PDF",
            "technical-failure", "Notify could not print it (technical failure): not posted",
            "permanent-failure", "Notify could not post it");

    private final DataSource db;
    private final NotificationClient client;
    private final NotifySettings settings;
    private final LetterBatch batch;
    private final LetterRenderer renderer;
    private final Clock clock;
    private final LetterStops stops;
    private final LetterFallbacks fallbacks;

    NotifyLetters(DataSource dataSource, NotificationClient client, NotifySettings settings, LetterBatch batch,
                  LetterRenderer renderer, Clock clock, LetterStops stops, LetterFallbacks fallbacks) {
        this.stops = stops;
        this.fallbacks = fallbacks;
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
        this.client = client;
        this.settings = settings;
        this.batch = batch;
        this.renderer = renderer;
        this.clock = clock;
        if (settings.getLetterLease().compareTo(settings.getConnectTimeout().plus(settings.getReadTimeout())) <= 0) {
            LOG.warn("uptake.sms.notify.letter-lease ({}) is not longer than a Notify request may take (connect {} + read"
                    + " {}): no letter will be posted until it is", settings.getLetterLease(),
                    settings.getConnectTimeout(), settings.getReadTimeout());
        }
        LOG.info("Letters: posted through GOV.UK Notify ({} class)", settings.getPostage());
    }

    static String reference(long letterId) {
        return REFERENCE_PREFIX + letterId;
    }

    @Nullable
    static Long letterId(@Nullable String reference) {
        return NotifyOutcomes.idOf(REFERENCE_PREFIX, reference);
    }

    /** Ours for a Notify letter status, or null (for the table test). */
    @Nullable
    static LetterStatus status(String notifyStatus) {
        return STATUS.get(notifyStatus);
    }

    private record Claim(long id, @Nullable Instant attemptedAt, int attempts) {
    }

    /** Sends up to {@code limit} due letters; returns how many it claimed (0: nothing due). */
    public int sendDue(int limit) throws SQLException {
        Instant now = clock.instant();
        Instant lease = now.plus(settings.getLetterLease());
        fallbacks.write(null);
        List<Claim> claims = claim(now, lease, limit);
        LocalDate today = LocalDate.now(clock);
        // The last check before a letter leaves (LetterStops): opted out, died or converted since the launch. One already
        // attempted is left to its reconcile, which may find that Notify has it.
        Map<Long, String> cancelled = stops.cancelStopped(claims.stream().filter(c -> c.attemptedAt() == null)
                .map(Claim::id).toList());
        cancelled.forEach((id, reason) -> LOG.info("Letter {} not posted: {}", id, reason));
        for (Claim c : claims) {
            if (cancelled.containsKey(c.id())) {
                continue;
            }
            try {
                sendOne(c, now, lease, today);
            } catch (RuntimeException e) {
                // One letter's fault must not stop the others; its attempt (if made) is reconciled later.
                LOG.warn("Letter {} could not be sent through Notify: {}", c.id(), e.getClass().getSimpleName(), e);
                update("UPDATE letter SET claimed_until = ? WHERE id = ? AND status = 'PENDING'",
                        Timestamp.from(now.plus(RECONCILE_AFTER)), c.id());
            }
        }
        return claims.size();
    }

    private void sendOne(Claim c, Instant now, Instant lease, LocalDate today) throws SQLException {
        if (c.attemptedAt() != null) {
            // An earlier attempt's outcome is unknown (no answer, or the instance died): ask Notify first.
            Optional<SendResult> found = reconcile(c.id(), c.attemptedAt());
            if (found.isPresent()) {
                if (found.get().outcome() == SendResult.Outcome.ACCEPTED) {
                    sent(c.id(), found.get().providerSid(), now);
                } else {
                    update("UPDATE letter SET claimed_until = ? WHERE id = ? AND status = 'PENDING'",
                            Timestamp.from(now.plus(RECONCILE_AFTER)), c.id());
                }
                return;
            }
            // Notify holds none: the attempt never reached it, so what follows is a first send, and it meets the
            // last check first, as every first send does (before, it went without: a patient who opted out or died
            // while the attempt's outcome was unknown, after a crash, was still posted the letter). The attempt is
            // cleared, as V210 has it once Notify certainly has nothing, so that the check may cancel the letter.
            int ours = update("""
                    UPDATE letter SET attempted_at = NULL WHERE id = ? AND status = 'PENDING' AND claimed_until = ?""",
                    c.id(), Timestamp.from(lease));
            if (ours == 0) {
                return; // no longer ours
            }
            String stopped = stops.cancelStopped(List.of(c.id())).get(c.id());
            if (stopped != null) {
                LOG.info("Letter {} not posted: {}", c.id(), stopped);
                return;
            }
        }
        Optional<LetterBatch.Row> row = batch.row(c.id(), today);
        if (row.isEmpty()) {
            return;
        }
        byte[] pdf;
        try {
            pdf = renderer.render(row.get().letter());
        } catch (Chromium.TimedOut e) {
            // Chromium's trouble (a loaded machine, a hang), not the letter's: tried again after a wait, not FAILED.
            LOG.warn("Letter {} not rendered this time, tried again later: {}", c.id(), e.getMessage());
            update("UPDATE letter SET claimed_until = ? WHERE id = ? AND status = 'PENDING' AND attempted_at IS NULL",
                    Timestamp.from(clock.instant().plus(RECONCILE_AFTER)), c.id());
            return;
        } catch (RuntimeException e) {
            String reason = LetterRenderer.reasonFor(e);
            LOG.warn("Letter {} could not be rendered: {}", c.id(), reason);
            update("""
                    UPDATE letter SET status = 'FAILED', reason = ?, attempted_at = NULL, claimed_until = NULL, updated_at = ?
                    WHERE id = ? AND status = 'PENDING'""", reason, Timestamp.from(now), c.id());
            return;
        }
        // The request may take its connect and read timeouts: it goes only if our lease outlasts them, so that no
        // other instance can claim the letter while it is in flight, find nothing at Notify, and post it again. A
        // batch whose rendering ate the lease (a slow Chromium) lets the letter go back unattempted, for the next
        // claim. The guard is in the statement, by the service clock that set the lease.
        Instant sendAt = clock.instant();
        Instant mustHoldUntil = sendAt.plus(settings.getConnectTimeout()).plus(settings.getReadTimeout());
        // Committed before the request goes: from here on, this letter is reconciled before any resend.
        int marked = update("""
                UPDATE letter SET attempted_at = ?, attempts = attempts + 1
                WHERE id = ? AND status = 'PENDING' AND claimed_until = ? AND claimed_until > ?""",
                Timestamp.from(sendAt), c.id(), Timestamp.from(lease), Timestamp.from(mustHoldUntil));
        if (marked == 0) {
            if (!mustHoldUntil.isBefore(lease)) {
                LOG.warn("Letter {} not sent this round: its lease ends before a Notify request could time out"
                        + " (uptake.sms.notify.letter-lease is too short for the rendering and the timeouts)", c.id());
                update("UPDATE letter SET claimed_until = NULL WHERE id = ? AND status = 'PENDING' AND claimed_until = ?"
                        + " AND attempted_at IS NULL", c.id(), Timestamp.from(lease));
            }
            return; // no longer ours, or not for long enough
        }
        SendResult result;
        try {
            LetterResponse response = client.sendPrecompiledLetterWithInputStream(reference(c.id()),
                    new ByteArrayInputStream(pdf), settings.getPostage());
            result = new SendResult(SendResult.Outcome.ACCEPTED, response.getNotificationId().toString(), null, null);
        } catch (NotificationClientException e) {
            result = NotifyOutcomes.classify(e);
        } catch (RuntimeException e) {
            result = new SendResult(SendResult.Outcome.UNKNOWN, null, null, e.getClass().getSimpleName());
        }
        record(c, result, now);
    }

    private void record(Claim c, SendResult r, Instant now) throws SQLException {
        String detail = r.detail() == null ? "" : ": " + r.detail();
        int attempts = c.attempts() + 1;
        switch (r.outcome()) {
            case ACCEPTED -> sent(c.id(), r.providerSid(), now);
            case RETRYABLE, SENDER_UNAVAILABLE -> {
                if (r.outcome() == SendResult.Outcome.RETRYABLE && attempts >= MAX_ATTEMPTS) {
                    failed(c.id(), "Notify did not take the letter after " + attempts + " attempts" + detail, now);
                    return;
                }
                long factor = 1L << Math.min(10, attempts - 1);
                Duration wait = RETRY_BASE.multipliedBy(factor);
                // Nothing was taken: the attempt is cleared, so the next one is a first send again.
                update("""
                        UPDATE letter SET attempted_at = NULL, claimed_until = ?, reason = ?,
                               attempts = CASE WHEN ? THEN attempts - 1 ELSE attempts END
                        WHERE id = ? AND status = 'PENDING'""",
                        Timestamp.from(now.plus(wait.compareTo(RETRY_CAP) > 0 ? RETRY_CAP : wait)),
                        "waiting to send through Notify" + detail,
                        r.outcome() == SendResult.Outcome.SENDER_UNAVAILABLE, c.id());
                LOG.warn("Letter {} not taken by Notify ({}): tried again later", c.id(), r.errorCode());
            }
            case PERMANENT_FAILURE, OPTED_OUT -> failed(c.id(), "Notify refused the letter" + detail
                    + (r.errorCode() == null ? "" : " (" + r.errorCode() + ")"), now);
            case UNKNOWN -> {
                update("UPDATE letter SET claimed_until = ?, reason = ? WHERE id = ? AND status = 'PENDING'",
                        Timestamp.from(now.plus(RECONCILE_AFTER)),
                        "outcome unknown, to reconcile before any resend" + detail, c.id());
                LOG.warn("Letter {}: Notify's answer is unknown; reconciled before any resend", c.id());
            }
        }
    }

    /** Notify refused it for good: FAILED, attempt cleared (nothing went), so the practice may print it instead. */
    private void failed(long id, String reason, Instant now) throws SQLException {
        update("""
                UPDATE letter SET status = 'FAILED', reason = ?, attempted_at = NULL, claimed_until = NULL, updated_at = ?
                WHERE id = ? AND status = 'PENDING'""", reason, Timestamp.from(now), id);
    }

    private void sent(long id, String notificationId, Instant now) throws SQLException {
        update("""
                UPDATE letter SET status = CASE WHEN letter_status_rank(status) < letter_status_rank('SENT')
                                                THEN 'SENT' ELSE status END,
                       provider = 'notify', provider_ref = COALESCE(provider_ref, ?), reason = NULL,
                       claimed_until = NULL, updated_at = ?
                WHERE id = ? AND status NOT IN ('EXCLUDED', 'HELD_BACK')""", notificationId, Timestamp.from(now), id);
    }

    /** Notify's letters with this reference, made since the attempt (less the slack); UNKNOWN when it cannot say. */
    Optional<SendResult> reconcile(long id, Instant since) {
        Instant after = since.minus(settings.getReconcileSlack());
        String reference = reference(id);
        try {
            List<Notification> found = client.getNotifications(null, "letter", reference, null).getNotifications()
                    .stream().filter(n -> n.getReference().map(reference::equals).orElse(false))
                    .filter(n -> n.getCreatedAt() == null || !n.getCreatedAt().toInstant().isBefore(after))
                    .toList();
            if (found.isEmpty()) {
                LOG.info("Reconcile of letter {}: Notify holds no such letter", id);
                return Optional.empty();
            }
            LOG.info("Reconcile of letter {}: Notify had accepted it", id);
            return Optional.of(new SendResult(SendResult.Outcome.ACCEPTED, found.get(found.size() - 1).getId().toString(),
                    null, "found by reconcile"));
        } catch (NotificationClientException | RuntimeException e) {
            LOG.warn("Reconcile of letter {} failed: {}", id, e.getClass().getSimpleName());
            return Optional.of(new SendResult(SendResult.Outcome.UNKNOWN, null, null, "reconcile failed"));
        }
    }

    private List<Claim> claim(Instant now, Instant lease, int limit) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH due AS (
                    SELECT l.id FROM letter l JOIN campaign c ON c.id = l.campaign_id
                    WHERE l.status = 'PENDING' AND l.arm = 'LETTER' AND l.due_at <= ?
                      AND c.status IN ('SENDING', 'COMPLETED')
                      AND (l.claimed_until IS NULL OR l.claimed_until <= ?)
                    ORDER BY l.due_at, l.id LIMIT ? FOR UPDATE OF l SKIP LOCKED)
                UPDATE letter l SET claimed_until = ? FROM due WHERE l.id = due.id
                RETURNING l.id, l.attempted_at, l.attempts""")) {
            c.setAutoCommit(true);
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            ps.setTimestamp(4, Timestamp.from(lease));
            List<Claim> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp attempted = rs.getTimestamp(2);
                    out.add(new Claim(rs.getLong(1), attempted == null ? null : attempted.toInstant(), rs.getInt(3)));
                }
            }
            return out;
        }
    }

    /** A Notify callback for a letter: by our reference, or without one by Notify's id. Forward only. */
    @Override
    public boolean report(@Nullable String reference, @Nullable String notificationId, String notifyStatus) {
        String key = notifyStatus == null ? "" : notifyStatus.toLowerCase(Locale.ROOT);
        Long id = letterId(reference);
        try {
            if (id == null) {
                id = byNotificationId(notificationId);
                if (id == null) {
                    return false;
                }
            }
            if (!exists(id)) {
                return false;
            }
            LetterStatus to = STATUS.get(key);
            if (to == null) {
                LOG.info("Ignoring Notify letter status '{}' for letter {}", notifyStatus, id);
                return true;
            }
            update("""
                    UPDATE letter SET status = ?, reason = COALESCE(?, reason), provider = 'notify',
                           provider_ref = COALESCE(provider_ref, ?), claimed_until = NULL, updated_at = ?
                    WHERE id = ? AND status NOT IN ('EXCLUDED', 'HELD_BACK')
                      AND letter_status_rank(status) < letter_status_rank(?)""",
                    to.name(), WORDS.get(key), validId(notificationId), Timestamp.from(clock.instant()), id, to.name());
            return true;
        } catch (SQLException e) {
            // A 5xx makes Notify retry the callback: nothing is lost.
            throw new IllegalStateException("cannot record a Notify letter status", e);
        }
    }

    @Nullable
    private static String validId(@Nullable String notificationId) {
        try {
            return notificationId == null ? null : UUID.fromString(notificationId).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Nullable
    private Long byNotificationId(@Nullable String notificationId) throws SQLException {
        if (validId(notificationId) == null) {
            return null;
        }
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM letter WHERE provider_ref = ?")) {
            ps.setString(1, validId(notificationId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private boolean exists(long id) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM letter WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
