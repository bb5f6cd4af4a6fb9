package io.uptake.campaign;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.outbox.Schedule;
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
 * skip what is past the catch-up limit, defer due messages of closed windows to the next open slot and those of
 * campaigns at their daily cap to the next sending day, and complete campaigns with nothing left to send. Every
 * skip and cancellation carries its reason.
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
    private final Schedule schedule;
    private final BudgetPause budgetPause;

    CampaignHousekeeping(JdbcOperations jdbc, Clock clock, CampaignSettings settings, Programmes programmes,
                         BankHolidays holidays, CampaignService campaigns, Schedule schedule, BudgetPause budgetPause) {
        this.jdbc = jdbc;
        this.budgetPause = budgetPause;
        this.schedule = schedule;
        this.clock = clock;
        this.settings = settings;
        this.programmes = programmes;
        this.holidays = holidays;
        this.campaigns = campaigns;
    }

    @Transactional
    public void run() {
        Instant now = clock.instant();
        int recovered = schedule.expireClaims(now);
        if (recovered > 0) {
            LOG.warn("Recovered {} expired claims as UNKNOWN", recovered);
        }
        update("UPDATE campaign SET status = 'SENDING' WHERE status = 'SCHEDULED' AND start_at <= ?", now);
        budgetPause.run();
        for (String code : programmes.codes()) {
            List<String> qualifying = programmes.find(code).orElseThrow().getQualifyingEvents();
            int cancelled = schedule.cancelConverted(code, qualifying, now);
            if (cancelled > 0) {
                LOG.info("Cancelled {} reminders of {} patients who converted", cancelled, code);
            }
        }
        // Downtime check before the window deferral below, which would otherwise make old messages look new.
        Instant limit = now.minus(settings.catchUpLimit);
        int skipped = schedule.skipMissed(now, limit, settings.catchUpLimit.toHours());
        if (skipped > 0) {
            LOG.warn("Skipped {} messages past the catch-up limit", skipped);
        }
        List<Long> capped = atDailyCap(now);
        for (long id : sending()) {
            SendWindow window = campaigns.window(id);
            try {
                if (!window.isOpen(now, holidays)) {
                    Instant next = window.nextOpen(now, holidays);
                    schedule.deferDue(id, now, next);
                } else if (capped.contains(id)) {
                    // Its texts go on the next sending day, not late today and not skipped as missed meanwhile.
                    Instant tomorrow = now.atZone(holidays.zone()).toLocalDate().plusDays(1).atStartOfDay(holidays.zone())
                            .toInstant();
                    schedule.deferDue(id, now, window.nextOpen(tomorrow, holidays));
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

    /** Sending campaigns that have taken their whole daily cap today (DailyCapCounts), in the service's zone. */
    private List<Long> atDailyCap(Instant now) {
        return jdbc.prepareStatement("""
                SELECT c.id FROM campaign c JOIN campaign_day_texts t ON t.campaign_id = c.id AND t.day = ?
                WHERE c.status = 'SENDING' AND t.texts >= c.daily_cap""", ps -> {
            ps.setObject(1, now.atZone(holidays.zone()).toLocalDate());
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
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
