package io.uptake.campaign;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.uptake.sms.SmsSender;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket per sender in the database, so that every instance together stays under the provider's
 * rate (docs/adr/0013-one-shared-throttle-bucket.md). It runs on the database's clock (clock_timestamp()), the one
 * clock all instances share; business time (the injected Clock) plays no part in pacing.
 */
@Singleton
public class SendThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(SendThrottle.class);
    private final DataSource db;
    private final double perSecond;
    private final Timer waitTimer;

    SendThrottle(DataSource dataSource, CampaignSettings settings, MeterRegistry meters, SmsSender sender) {
        this.db = RawDataSource.of(dataSource);
        this.perSecond = rate(settings.messagesPerSecond, sender.maxMessagesPerSecond());
        if (perSecond != settings.messagesPerSecond) {
            LOG.warn("Send throttle: {} texts a second, the most {} allows (uptake.campaign.throttle says {})",
                    perSecond, sender.channel(), settings.messagesPerSecond);
        }
        this.waitTimer = Timer.builder("uptake.throttle.wait").description("Time a dispatcher waited for send tokens")
                .register(meters);
    }

    /**
     * The rate the throttle keeps: the configured one, but never above the provider's own limit, even when the
     * configuration lifts the throttle (0): a provider that refuses faster sends would refuse texts, not pace them.
     */
    static double rate(double configured, double providerMax) {
        boolean providerLimited = providerMax > 0 && !Double.isInfinite(providerMax);
        if (!providerLimited) {
            return configured;
        }
        return configured <= 0 ? providerMax : Math.min(configured, providerMax);
    }

    /** False when the throttle is lifted (messages-per-second 0), as for the benchmark. */
    public boolean enabled() {
        return perSecond > 0;
    }

    /**
     * Takes as many tokens as the bucket holds, up to {@code max}, waiting only while it holds none: the
     * dispatcher takes its tokens before it claims, and then claims at most that many, so no claim ever waits
     * for the throttle. Returns at least 1 ({@code max} when the throttle is lifted).
     */
    public int takeUpTo(String sender, int max) throws InterruptedException, SQLException {
        if (!enabled() || max <= 0) {
            return Math.max(0, max);
        }
        long started = System.nanoTime();
        while (true) {
            Grant g = take(sender, max);
            if (g.granted() > 0) {
                waitTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                return g.granted();
            }
            // Sleep until the bucket holds one more token, at most a second, then ask again.
            double missing = Math.max(0.0, 1.0 - g.left());
            Thread.sleep(Math.max(5, Math.min(1000, (long) Math.ceil(missing / perSecond * 1000))));
        }
    }

    /** Puts back tokens taken but not used (fewer texts were due, or they may not go now), up to the burst. */
    public void giveBack(String sender, int n) throws SQLException {
        if (!enabled() || n <= 0) {
            return;
        }
        try (Connection c = db.getConnection(); var ps = c.prepareStatement(
                "UPDATE send_throttle SET tokens = LEAST(?, tokens + ?) WHERE sender = ?")) {
            c.setAutoCommit(true);
            ps.setDouble(1, Math.max(1.0, perSecond));
            ps.setInt(2, n);
            ps.setString(3, sender);
            ps.executeUpdate();
        }
    }

    /**
     * Takes {@code n} tokens at once without waiting, into debt if need be: for texts that must not queue
     * behind bulk (auto-replies and confirmations, answered in TwiML and sent by the provider at once). The
     * bulk dispatchers then wait for the debt to refill, so the number's total rate still holds.
     */
    public void charge(String sender, int n) throws SQLException {
        if (!enabled() || n <= 0) {
            return;
        }
        double burst = Math.max(1.0, perSecond);
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                INSERT INTO send_throttle (sender, tokens, refilled_at) VALUES (?, ? - ?, clock_timestamp())
                ON CONFLICT (sender) DO UPDATE SET
                    tokens = LEAST(?, send_throttle.tokens + ? * GREATEST(0, EXTRACT(EPOCH FROM
                                 clock_timestamp() - send_throttle.refilled_at))) - ?,
                    refilled_at = clock_timestamp()""")) {
            c.setAutoCommit(true);
            ps.setString(1, sender);
            ps.setDouble(2, burst);
            ps.setInt(3, n);
            ps.setDouble(4, burst);
            ps.setDouble(5, perSecond);
            ps.setInt(6, n);
            ps.executeUpdate();
        }
    }

    record Grant(int granted, double left) {
    }

    Grant take(String sender, int want) throws SQLException {
        double burst = Math.max(1.0, perSecond);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            try (var ps = c.prepareStatement("""
                    INSERT INTO send_throttle (sender, tokens, refilled_at) VALUES (?, ?, clock_timestamp())
                    ON CONFLICT (sender) DO NOTHING""")) {
                ps.setString(1, sender);
                ps.setDouble(2, burst);
                ps.executeUpdate();
            }
            // One statement, so one transaction: read, refill, take and write back under the row lock.
            try (var ps = c.prepareStatement("""
                    WITH cur AS (
                        SELECT sender, LEAST(?, tokens + ? * GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - refilled_at))) AS t
                        FROM send_throttle WHERE sender = ? FOR UPDATE),
                    granted AS (SELECT sender, t, GREATEST(0, LEAST(FLOOR(t), ?)) AS g FROM cur)
                    UPDATE send_throttle s SET tokens = granted.t - granted.g, refilled_at = clock_timestamp()
                    FROM granted WHERE s.sender = granted.sender
                    RETURNING granted.g, granted.t - granted.g""")) {
                ps.setDouble(1, burst);
                ps.setDouble(2, perSecond);
                ps.setString(3, sender);
                ps.setInt(4, want);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Grant((int) rs.getDouble(1), rs.getDouble(2));
                }
            }
        }
    }
}
