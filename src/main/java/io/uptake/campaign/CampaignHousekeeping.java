package io.uptake.campaign;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster-wide, set-based chores (run by one instance at a time through Quartz): recover expired
 * claims as UNKNOWN, start campaigns whose time has come, cancel reminders of patients who converted,
 * skip what is past the catch-up limit, defer due messages of closed windows to the next open slot, and
 * complete campaigns with nothing left to send. Every skip and cancellation carries its reason.
 */
@Singleton
public class CampaignHousekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignHousekeeping.class);
    private final JdbcOperations jdbc;
    private final Clock clock;
    private final CampaignSettings settings;
    private final Programmes programmes;
    private final BankHolidays holidays;
    private final CampaignService campaigns;

    CampaignHousekeeping(JdbcOperations jdbc, Clock clock, CampaignSettings settings, Programmes programmes,
                         BankHolidays holidays, CampaignService campaigns) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
        this.programmes = programmes;
        this.holidays = holidays;
        this.campaigns = campaigns;
    }

    @Transactional
    public void run() {
        Instant now = clock.instant();
        int recovered = update("""
                UPDATE message SET status = 'UNKNOWN', claimed_by = NULL, claimed_until = NULL,
                       reason = 'claim expired while sending (instance stopped?): reconcile before any resend'
                WHERE status = 'SENDING' AND claimed_until < ?""", now);
        if (recovered > 0) {
            LOG.warn("Recovered {} expired claims as UNKNOWN", recovered);
        }
        update("UPDATE campaign SET status = 'SENDING' WHERE status = 'SCHEDULED' AND start_at <= ?", now);
        for (String code : programmes.codes()) {
            List<String> qualifying = programmes.find(code).orElseThrow().getQualifyingEvents();
            int cancelled = jdbc.prepareStatement("""
                    WITH conv AS (
                        -- The one conversion rule (V120, docs/reports.md): the report counts the same event.
                        SELECT m.id, (SELECT cv.event_type || ' dated ' || cv.event_date
                                      FROM conversion(m.patient_id, CAST(? AS TEXT[]),
                                                      conversion_index_date(r.index_date, c.start_at, ?),
                                                      c.attribution_days) cv) AS what
                        FROM message m
                        JOIN campaign c ON c.id = m.campaign_id
                        JOIN recipient r ON r.id = m.recipient_id
                        JOIN message w1 ON w1.campaign_id = m.campaign_id AND w1.patient_id = m.patient_id AND w1.wave = 1
                        WHERE c.programme = ? AND c.status IN ('SCHEDULED', 'SENDING', 'PAUSED')
                          AND m.wave > 1 AND m.status = 'PENDING'
                          AND w1.status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED'))
                    UPDATE message m SET status = 'CANCELLED', status_at = ?, reason = 'converted: ' || conv.what
                    FROM conv WHERE m.id = conv.id AND conv.what IS NOT NULL""", ps -> {
                ps.setArray(1, ps.getConnection().createArrayOf("text", qualifying.toArray()));
                ps.setString(2, clock.getZone().getId());
                ps.setString(3, code);
                ps.setTimestamp(4, Timestamp.from(now));
                return ps.executeUpdate();
            });
            if (cancelled > 0) {
                LOG.info("Cancelled {} reminders of {} patients who converted", cancelled, code);
            }
        }
        // Downtime check before the window deferral below, which would otherwise make old messages look new.
        Instant limit = now.minus(settings.catchUpLimit);
        int skipped = jdbc.prepareStatement("""
                UPDATE message m SET status = 'SKIPPED', status_at = ?,
                       reason = 'missed: due ' || to_char(m.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')
                                || ', more than the catch-up limit of ' || ? || 'h ago'
                FROM campaign c WHERE c.id = m.campaign_id AND c.status = 'SENDING'
                  AND m.status = 'PENDING' AND m.due_at < ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, settings.catchUpLimit.toHours());
            ps.setTimestamp(3, Timestamp.from(limit));
            return ps.executeUpdate();
        });
        if (skipped > 0) {
            LOG.warn("Skipped {} messages past the catch-up limit", skipped);
        }
        for (long id : sending()) {
            SendWindow window = campaigns.window(id);
            try {
                if (!window.isOpen(now, holidays)) {
                    Instant next = window.nextOpen(now, holidays);
                    jdbc.prepareStatement("""
                            UPDATE message SET due_at = ? WHERE campaign_id = ? AND status = 'PENDING' AND due_at <= ?""", ps -> {
                        ps.setTimestamp(1, Timestamp.from(next));
                        ps.setLong(2, id);
                        ps.setTimestamp(3, Timestamp.from(now));
                        return ps.executeUpdate();
                    });
                }
            } catch (BankHolidays.CalendarExpiredException e) {
                LOG.error("Campaign {} cannot be scheduled: {}", id, e.getMessage());
            }
        }
        jdbc.prepareStatement("""
                UPDATE campaign c SET status = 'COMPLETED', completed_at = ?
                WHERE c.status = 'SENDING' AND NOT EXISTS (
                    SELECT 1 FROM message m WHERE m.campaign_id = c.id AND m.status IN ('PENDING', 'SENDING', 'UNKNOWN'))""",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    return ps.executeUpdate();
                });
    }

    private List<Long> sending() {
        return jdbc.prepareStatement("SELECT id FROM campaign WHERE status = 'SENDING'", ps -> {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
    }

    private int update(String sql, Instant now) {
        return jdbc.prepareStatement(sql, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            return ps.executeUpdate();
        });
    }
}
