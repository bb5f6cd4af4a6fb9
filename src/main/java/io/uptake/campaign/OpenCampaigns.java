package io.uptake.campaign;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * SENDING campaigns whose window is open now, with their windows: where the dispatcher claims from (a
 * closed window's messages wait; housekeeping defers them). While batches come back full the list is reused
 * for up to {@link #TTL} of elapsed time (a cache of a query, so not business time): it only chooses where
 * to claim from; the claim reads each campaign's status again and every claimed text is checked against the
 * window at the current time, so a pause stops sends at once even with a stale list. With the windows come the
 * daily caps of those that have one ({@link DailyCap}; a cap is set at launch and never changes).
 */
@Singleton
class OpenCampaigns {
    private static final Logger LOG = LoggerFactory.getLogger(OpenCampaigns.class);
    private static final Duration TTL = Duration.ofSeconds(1);
    private final DataSource db;
    private final CampaignService campaigns;
    private final BankHolidays holidays;
    private volatile Read last;

    /** The open campaigns' windows, and the daily caps of those with one. */
    record Open(Map<Long, SendWindow> windows, Map<Long, Integer> caps) {
        static final Open NONE = new Open(Map.of(), Map.of());
    }

    private record Read(long atNanos, Open open) {
    }

    OpenCampaigns(DataSource dataSource, CampaignService campaigns, BankHolidays holidays) {
        this.db = RawDataSource.of(dataSource);
        this.campaigns = campaigns;
        this.holidays = holidays;
    }

    Map<Long, SendWindow> now(Instant now) throws SQLException {
        return read(now).windows();
    }

    Open read(Instant now) throws SQLException {
        Read cached = last;
        if (cached != null && System.nanoTime() - cached.atNanos() < TTL.toNanos()) {
            return cached.open();
        }
        Map<Long, SendWindow> open = new HashMap<>();
        Map<Long, Integer> caps = new HashMap<>();
        try (Connection c = db.getConnection();
             var ps = c.prepareStatement(
                     "SELECT id, CAST(send_window AS TEXT), daily_cap FROM campaign WHERE status = 'SENDING'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                SendWindow w = campaigns.parseWindow(rs.getString(2));
                try {
                    if (w.isOpen(now, holidays)) {
                        open.put(rs.getLong(1), w);
                        int cap = rs.getInt(3);
                        if (!rs.wasNull()) {
                            caps.put(rs.getLong(1), cap);
                        }
                    }
                } catch (BankHolidays.CalendarExpiredException e) {
                    LOG.error("Campaign {} cannot send: {}", rs.getLong(1), e.getMessage());
                }
            }
        }
        Open read = open.isEmpty() ? Open.NONE : new Open(Map.copyOf(open), Map.copyOf(caps));
        last = open.isEmpty() ? null : new Read(System.nanoTime(), read);
        return read;
    }

    /** The next call reads the campaigns again (a resumed or newly launched campaign starts at once). */
    void forget() {
        last = null;
    }
}
