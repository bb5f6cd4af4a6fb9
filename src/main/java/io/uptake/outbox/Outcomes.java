package io.uptake.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a claim's holder writes back: the outcome of each text it claimed ({@link Claims#claim}), as typed
 * {@link Transition}s, and the index date of each invitation that went. Kept apart from the claim because it is
 * the one place a {@link Transition} becomes columns, and apart from the provider's reports
 * ({@link ProviderReports}) because those join the caller's transaction, where this runs on the pool in its own.
 */
@Singleton
public class Outcomes {
    private final DataSource db;
    /** The service's zone (uptake.timezone, through the clock): the day a text went. */
    private final ZoneId zone;

    Outcomes(DataSource dataSource, Clock clock) {
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
        this.zone = clock.getZone();
    }

    /**
     * Records the transitions of one claim in one statement (so one transaction and one round trip), with
     * the wave-1 index date of recipients whose invitation the provider took. Only rows the claim still
     * holds are touched: if its lease ran out and another claim took the message over, that one decides
     * instead. A status a callback already moved on from SENDING is kept.
     */
    public void record(String token, List<Transition> transitions, List<Claimed> claimed, Instant now)
            throws SQLException {
        record(token, transitions, claimed, now, null);
    }

    /** As above; {@code provider} ("twilio", "notify", "simulated") is stored on each text it took (V232). */
    public void record(String token, List<Transition> transitions, List<Claimed> claimed, Instant now,
                       @Nullable String provider) throws SQLException {
        if (!transitions.isEmpty()) {
            write(token, transitions, claimed, now, provider);
        }
    }

    /** One transition as the record statement's columns; null columns are left as they are. */
    private record Columns(MessageStatus status, boolean released, String reason, String errorCode,
                           String providerSid, String body, Integer segments, Instant sentAt, Instant dueAt,
                           int addAttempts, Instant attemptedAt) {
        static Columns of(Transition t) {
            if (t instanceof Transition.Release r) {
                return new Columns(MessageStatus.PENDING, true, null, null, null, null, null, null, r.until(), 0, null);
            }
            if (t instanceof Transition.Stop s) {
                return new Columns(s.status(), false, s.reason(), null, null, null, null, null, null, 0, null);
            }
            if (t instanceof Transition.Accepted a) {
                return new Columns(MessageStatus.QUEUED, false, null, null, a.providerSid(), a.body(), a.segments(),
                        a.sentAt(), null, 0, a.attemptedAt());
            }
            if (t instanceof Transition.Retry r) {
                return new Columns(MessageStatus.PENDING, false, r.reason(), r.errorCode(), null, null, null, null,
                        r.dueAt(), r.addAttempts(), r.attemptedAt());
            }
            if (t instanceof Transition.Failed f) {
                return new Columns(MessageStatus.FAILED, false, f.reason(), f.errorCode(), null, f.body(),
                        f.segments(), null, null, f.addAttempts(), f.attemptedAt());
            }
            Transition.Unknown u = (Transition.Unknown) t;
            return new Columns(MessageStatus.UNKNOWN, false, u.reason(), u.errorCode(), null, u.body(), u.segments(),
                    null, u.reconcileAt(), 0, u.attemptedAt());
        }
    }

    private void write(String token, List<Transition> transitions, List<Claimed> claimed, Instant now,
                       @Nullable String provider) throws SQLException {
        Map<Long, Claimed> byId = new HashMap<>();
        claimed.forEach(m -> byId.put(m.id(), m));
        int n = transitions.size();
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
            Transition t = transitions.get(i);
            Claimed m = byId.get(t.id());
            Columns u = Columns.of(t);
            if (m.wave() == 1 && t instanceof Transition.Accepted a && a.sentAt() != null) {
                invited.add(m.recipientId());
                invitedAt.add(text(a.sentAt()));
            }
            ids[i] = t.id();
            status[i] = u.status().name();
            released[i] = u.released();
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
                        provider = CASE WHEN u.provider_sid IS NOT NULL THEN COALESCE(CAST(? AS TEXT), m.provider)
                                        ELSE m.provider END,
                        segments = COALESCE(u.segments, m.segments), sent_at = COALESCE(u.sent_at, m.sent_at),
                        status_at = CASE WHEN u.released OR m.status <> 'SENDING' THEN m.status_at ELSE ? END,
                        due_at = COALESCE(u.due_at, m.due_at), attempts = m.attempts + u.add_attempts,
                        attempted_at = COALESCE(u.attempted_at, m.attempted_at), claimed_by = NULL, claimed_until = NULL
                    FROM u WHERE m.id = u.id AND m.claimed_by = ?
                    RETURNING m.id)
                -- The index date is the day the invitation went, whoever records the message: even when our
                -- lease ran out meanwhile, this send time is truer than a later reconciliation's.
                UPDATE recipient r SET index_date = CAST(timezone(z.zone, x.sent_at) AS DATE)
                FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TIMESTAMPTZ[])) AS x(recipient_id, sent_at),
                     (SELECT CAST(? AS TEXT) AS zone) z
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
            ps.setString(13, provider);
            ps.setTimestamp(14, Timestamp.from(now));
            ps.setString(15, token);
            ps.setArray(16, c.createArrayOf("bigint", invited.toArray()));
            ps.setArray(17, c.createArrayOf("text", invitedAt.toArray()));
            ps.setString(18, zone.getId());
            ps.executeUpdate();
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
