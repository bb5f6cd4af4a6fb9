package io.uptake.budget;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.template.MessageTemplates;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each PCN's monthly budget for texts, and what it has spent (issue 15). Spend is the texts the provider took
 * (QUEUED, SENT, DELIVERED, UNDELIVERED), by the month they were sent in the service's zone ({@code uptake.timezone},
 * through the clock), at their segments times the one price ({@link MessageTemplates#cost}, as the review's estimate
 * and the report's cost). A PCN without a budget has no limit.
 */
@Singleton
public class Budgets {
    /** A month's spend by one campaign. */
    @Serdeable
    public record Spend(String month, long campaignId, String campaign, long texts, long segments, BigDecimal cost) {
    }

    /** A PCN's budget this month: {@code budget} null when it has none (then {@code left} is null too). */
    @Serdeable
    public record Month(long pcnId, String pcn, String month, String currency, @Nullable BigDecimal budget,
                        BigDecimal spent, @Nullable BigDecimal left) {
        /** Whether spending {@code cost} more would go past the budget. */
        public boolean wouldExceed(BigDecimal cost) {
            return left != null && cost.compareTo(left) > 0;
        }

        public boolean reached() {
            return left != null && left.signum() <= 0;
        }
    }

    /** A budget below zero (or not a number of pounds and pence): the API's 400 names the field. */
    public static class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    private final JdbcOperations jdbc;
    private final MessageTemplates prices;
    private final Clock clock;
    private final AuditLog audit;

    Budgets(JdbcOperations jdbc, MessageTemplates prices, Clock clock, AuditLog audit) {
        this.jdbc = jdbc;
        this.prices = prices;
        this.clock = clock;
        this.audit = audit;
    }

    /** Why this is not a budget, or null when it is. */
    public static String problem(@Nullable BigDecimal pounds) {
        if (pounds == null) {
            return "is required: pounds a month, 0 or more";
        }
        if (pounds.signum() < 0) {
            return "must be 0 or more pounds a month";
        }
        return pounds.stripTrailingZeros().scale() > 2 ? "must be in pounds and pence, for example 120.50" : null;
    }

    @Transactional
    public Month set(long pcnId, @Nullable BigDecimal pounds, CurrentUser admin) {
        String problem = problem(pounds);
        if (problem != null) {
            throw new Invalid(problem);
        }
        jdbc.prepareStatement("""
                INSERT INTO pcn_budget (pcn_id, monthly_budget, set_by, set_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (pcn_id) DO UPDATE SET monthly_budget = EXCLUDED.monthly_budget, set_by = EXCLUDED.set_by,
                                                   set_at = EXCLUDED.set_at""", ps -> {
            ps.setLong(1, pcnId);
            ps.setBigDecimal(2, pounds.setScale(2, RoundingMode.UNNECESSARY));
            ps.setString(3, admin.username());
            ps.setTimestamp(4, Timestamp.from(clock.instant()));
            return ps.executeUpdate();
        });
        audit.recordFor(admin, pcnId, "BUDGET_SET", "pcn:" + pcnId, prices.currency() + " " + pounds + " a month");
        return thisMonth(pcnId).orElseThrow();
    }

    /** The PCN's budget and spend this month; empty when there is no such PCN. */
    @Transactional(readOnly = true)
    public Optional<Month> thisMonth(long pcnId) {
        YearMonth month = YearMonth.now(clock);
        Instant from = month.atDay(1).atStartOfDay(clock.getZone()).toInstant();
        Instant to = month.plusMonths(1).atDay(1).atStartOfDay(clock.getZone()).toInstant();
        return jdbc.prepareStatement("""
                SELECT p.name, b.monthly_budget,
                       (SELECT COALESCE(sum(m.segments), 0) FROM message m JOIN campaign c ON c.id = m.campaign_id
                        WHERE c.pcn_id = p.id AND m.status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED')
                          AND m.sent_at >= ? AND m.sent_at < ?) AS segments
                FROM pcn p LEFT JOIN pcn_budget b ON b.pcn_id = p.id WHERE p.id = ?""", ps -> {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            ps.setLong(3, pcnId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<Month>empty();
                }
                BigDecimal budget = rs.getBigDecimal(2);
                BigDecimal spent = money(prices.cost(rs.getLong(3)));
                return Optional.of(new Month(pcnId, rs.getString(1), month.toString(), prices.currency(), budget,
                        spent, budget == null ? null : budget.subtract(spent)));
            }
        });
    }

    /** Spend by month (newest first) and campaign, every month the PCN has sent texts in. */
    @Transactional(readOnly = true)
    public List<Spend> spend(long pcnId) {
        return jdbc.prepareStatement("""
                SELECT to_char(m.sent_at AT TIME ZONE ?, 'YYYY-MM') AS month, c.id, c.name,
                       count(*) AS texts, COALESCE(sum(m.segments), 0) AS segments
                FROM message m JOIN campaign c ON c.id = m.campaign_id
                WHERE c.pcn_id = ? AND m.status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED') AND m.sent_at IS NOT NULL
                GROUP BY 1, c.id, c.name ORDER BY 1 DESC, c.name, c.id""", ps -> {
            ps.setString(1, clock.getZone().getId());
            ps.setLong(2, pcnId);
            List<Spend> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Spend(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            money(prices.cost(rs.getLong(5)))));
                }
            }
            return out;
        });
    }

    /** Every PCN's month, for the admin's page. */
    @Transactional(readOnly = true)
    public List<Month> allThisMonth() {
        List<Long> ids = jdbc.prepareStatement("SELECT id FROM pcn ORDER BY name", ps -> {
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
        return ids.stream().map(id -> thisMonth(id).orElseThrow()).toList();
    }

    /** The sentence a refused launch shows: its estimate against what is left, with the figures, in people's words. */
    public static String refusal(Month m, BigDecimal estimate) {
        return "The estimated cost of " + amount(m, estimate) + " is more than is left of " + m.pcn() + "'s budget for "
                + monthName(m) + ": " + (m.left().signum() < 0 ? amount(m, m.left().negate()) + " over"
                        : amount(m, m.left()) + " left of") + " " + amount(m, m.budget()) + " ("
                + amount(m, m.spent()) + " spent)";
    }

    /** Why the service paused a sending campaign of this PCN. */
    public static String pausedReason(Month m) {
        return "Paused: " + m.pcn() + "'s budget for " + monthName(m) + " is reached (" + amount(m, m.spent())
                + " spent of " + amount(m, m.budget()) + "). An admin can raise the budget; then resume.";
    }

    /** An amount as people write it: "£5.28" for pounds, else the currency's code before it ("EUR 5.28"). */
    public static String amount(Month m, @Nullable BigDecimal value) {
        if (value == null) {
            return "no limit";
        }
        String figure = money(value).toPlainString();
        return "GBP".equals(m.currency()) ? "£" + figure : m.currency() + " " + figure;
    }

    /** "March 2026" for the month "2026-03". */
    static String monthName(Month m) {
        return java.time.YearMonth.parse(m.month()).format(
                java.time.format.DateTimeFormatter.ofPattern("MMMM yyyy", java.util.Locale.UK));
    }

    private static BigDecimal money(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP);
    }
}
