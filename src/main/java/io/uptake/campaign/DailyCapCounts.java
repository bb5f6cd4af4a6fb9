package io.uptake.campaign;

import io.uptake.outbox.Claimed;
import io.uptake.outbox.Transition;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Each capped campaign's count of texts taken for sending on a day (campaign_day_texts, V290), kept like the
 * throttle's tokens (ADR 0018, ADR 0022): a round takes its allowance ({@link DailyCap#allowance}) before it claims,
 * and gives back what it did not hand over to the provider. The day is the service's ({@code uptake.timezone},
 * through the clock). The take reads and raises the count under the (campaign, day) row's lock, so two instances
 * claiming at once never take more than the cap between them.
 */
@Singleton
class DailyCapCounts {
    private final DataSource db;
    private final ZoneId zone;

    DailyCapCounts(DataSource dataSource, Clock clock) {
        this.db = RawDataSource.of(dataSource);
        this.zone = clock.getZone();
    }

    /** What a round was allowed, by campaign, on its day; campaigns without a cap are not in it. */
    record Allowance(LocalDate day, Map<Long, Integer> allowed) {
        static final Allowance NONE = new Allowance(null, Map.of());

        /** The open campaigns a claim may take from: those without a cap, and those with some of it left today. */
        Set<Long> claimable(Collection<Long> open) {
            return open.stream().filter(id -> allowed.getOrDefault(id, 1) > 0).collect(Collectors.toSet());
        }
    }

    /** Takes up to {@code wanted} texts of today's cap for each capped campaign, in id order (no deadlock). */
    Allowance take(Map<Long, Integer> caps, int wanted, Instant now) throws SQLException {
        if (caps.isEmpty()) {
            return Allowance.NONE;
        }
        LocalDate day = now.atZone(zone).toLocalDate();
        Map<Long, Integer> allowed = new HashMap<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Map.Entry<Long, Integer> cap : new TreeMap<>(caps).entrySet()) {
                    int n = DailyCap.allowance(cap.getValue(), takenForUpdate(c, cap.getKey(), day), wanted);
                    add(c, cap.getKey(), day, n);
                    allowed.put(cap.getKey(), n);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return new Allowance(day, Map.copyOf(allowed));
    }

    /** Gives back all of a round's allowance (its claim failed). */
    void giveBack(Allowance a) throws SQLException {
        giveBack(a, Map.of());
    }

    /**
     * Gives back what a round did not hand over: its allowance less, by campaign, the texts the provider took or may
     * have taken (accepted, failed, unknown). A text released, retried or never claimed did not go today.
     */
    void giveBack(Allowance a, List<Claimed> claimed, List<Transition> outcomes) throws SQLException {
        if (a.allowed().isEmpty()) {
            return;
        }
        Map<Long, Long> campaignOf = new HashMap<>();
        claimed.forEach(m -> campaignOf.put(m.id(), m.campaignId()));
        Map<Long, Integer> went = new HashMap<>();
        for (Transition t : outcomes) {
            if (!(t instanceof Transition.Release || t instanceof Transition.Retry || t instanceof Transition.Stop)) {
                went.merge(campaignOf.get(t.id()), 1, Integer::sum);
            }
        }
        giveBack(a, went);
    }

    private void giveBack(Allowance a, Map<Long, Integer> went) throws SQLException {
        try (Connection c = db.getConnection()) {
            for (Map.Entry<Long, Integer> e : new TreeMap<>(a.allowed()).entrySet()) {
                int unused = e.getValue() - went.getOrDefault(e.getKey(), 0);
                if (unused > 0) {
                    add(c, e.getKey(), a.day(), -unused);
                }
            }
        }
    }

    /** Texts of the campaign taken on {@code day} (the campaign page's "today"). */
    long taken(long campaignId, LocalDate day) throws SQLException {
        try (Connection c = db.getConnection()) {
            return taken(c, campaignId, day, "");
        }
    }

    private static long takenForUpdate(Connection c, long campaignId, LocalDate day) throws SQLException {
        try (var ps = c.prepareStatement("""
                INSERT INTO campaign_day_texts (campaign_id, day, texts) SELECT id, ?, 0 FROM campaign WHERE id = ?
                ON CONFLICT (campaign_id, day) DO NOTHING""")) {
            // From the campaign row: the open campaigns' list is cached, and a campaign may be gone since.
            ps.setObject(1, day);
            ps.setLong(2, campaignId);
            ps.executeUpdate();
        }
        return taken(c, campaignId, day, " FOR UPDATE");
    }

    private static long taken(Connection c, long campaignId, LocalDate day, String lock) throws SQLException {
        try (var ps = c.prepareStatement(
                "SELECT texts FROM campaign_day_texts WHERE campaign_id = ? AND day = ?" + lock)) {
            ps.setLong(1, campaignId);
            ps.setObject(2, day);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void add(Connection c, long campaignId, LocalDate day, int n) throws SQLException {
        if (n == 0) {
            return;
        }
        try (var ps = c.prepareStatement("""
                UPDATE campaign_day_texts SET texts = GREATEST(0, texts + ?) WHERE campaign_id = ? AND day = ?""")) {
            ps.setInt(1, n);
            ps.setLong(2, campaignId);
            ps.setObject(3, day);
            ps.executeUpdate();
        }
    }
}
