package io.uptake.report;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.outcome.OutcomeRules;
import io.uptake.outcome.RecipientOutcomes;
import io.uptake.security.CurrentUser;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Date;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** All campaigns of the caller's PCN (all PCNs for ADMIN) started in a date range, in one pass. */
@Singleton
class UptakeOverviews {
    static final String PER_CAMPAIGN = """
            SELECT campaign_id, arm,
                   count(*) AS recipients,
                   count(converted_on) AS converted,
                   count(*) FILTER (WHERE abnormal) AS abnormal,
                   count(referred_on) AS referred,
                   count(diagnosed_on) AS diagnosed
            FROM base
            GROUP BY campaign_id, arm
            """;

    private final JdbcOperations jdbc;
    private final RecipientOutcomes outcomes;
    private final Clock clock;
    private final OutcomeRules rules;

    UptakeOverviews(JdbcOperations jdbc, RecipientOutcomes outcomes, Clock clock, OutcomeRules rules) {
        this.rules = rules;
        this.jdbc = jdbc;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    UptakeOverview overview(CurrentUser user, @Nullable LocalDate from, @Nullable LocalDate to, Disclosure disclosure) {
        List<Campaign> campaigns = campaigns(user, from, to);
        Map<Long, Map<String, long[]>> figures = figures(campaigns);
        List<UptakeOverview.Row> rows = new ArrayList<>();
        for (Campaign c : campaigns) {
            Map<String, long[]> arms = figures.getOrDefault(c.id, Map.of());
            long[] t = arms.getOrDefault("TEXTED", new long[5]);
            long[] k = arms.get("CONTROL");
            Long texted = disclosure.count(t[0]);
            Long converted = disclosure.count(t[1]);
            Long controlPatients = k == null ? null : disclosure.count(k[0]);
            Long controlConverted = k == null ? null : disclosure.count(k[1]);
            rows.add(new UptakeOverview.Row(c.id, c.pcn, c.name, c.programme, c.source, c.status, c.started,
                    texted, converted, CampaignReports.rateOf(converted, texted),
                    CampaignReports.intervalOf(converted, texted),
                    c.judged ? disclosure.count(t[2]) : null, disclosure.count(t[3]), disclosure.count(t[4]),
                    controlPatients, controlConverted, CampaignReports.rateOf(controlConverted, controlPatients)));
        }
        return new UptakeOverview(from, to, disclosure.publication()
                ? new CampaignReport.Publication(disclosure.suppressFrom(), disclosure.suppressTo(), disclosure.roundTo())
                : null, rows);
    }

    private List<Campaign> campaigns(CurrentUser user, LocalDate from, LocalDate to) {
        return jdbc.prepareStatement("""
                SELECT c.id, n.name AS pcn, c.name, c.programme, c.source, c.status,
                       CAST(timezone(?, c.start_at) AS DATE) AS started
                FROM campaign c JOIN pcn n ON n.id = c.pcn_id
                WHERE (CAST(? AS BIGINT) IS NULL OR c.pcn_id = ?)
                  AND (CAST(? AS DATE) IS NULL OR CAST(timezone(?, c.start_at) AS DATE) >= ?)
                  AND (CAST(? AS DATE) IS NULL OR CAST(timezone(?, c.start_at) AS DATE) <= ?)
                ORDER BY c.start_at DESC, c.id DESC""", ps -> {
            String zone = clock.getZone().getId();
            ps.setString(1, zone);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            ps.setObject(4, from == null ? null : Date.valueOf(from));
            ps.setString(5, zone);
            ps.setObject(6, from == null ? null : Date.valueOf(from));
            ps.setObject(7, to == null ? null : Date.valueOf(to));
            ps.setString(8, zone);
            ps.setObject(9, to == null ? null : Date.valueOf(to));
            List<Campaign> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Campaign(rs.getLong("id"), rs.getString("pcn"), rs.getString("name"),
                            rs.getString("programme"), rs.getString("source"), rs.getString("status"),
                            rs.getDate("started").toLocalDate(), rules.judgesResults(rs.getString("programme"))));
                }
            }
            return result;
        });
    }

    /** campaign id -> arm -> [recipients, converted, abnormal, referred, diagnosed]. */
    private Map<Long, Map<String, long[]>> figures(List<Campaign> campaigns) {
        if (campaigns.isEmpty()) {
            return Map.of();
        }
        long[] ids = campaigns.stream().mapToLong(Campaign::id).toArray();
        return jdbc.prepareStatement(outcomes.sql(PER_CAMPAIGN), ps -> {
            outcomes.bind(ps, ids);
            Map<Long, Map<String, long[]>> result = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.computeIfAbsent(rs.getLong("campaign_id"), id -> new HashMap<>())
                            .put(rs.getString("arm"), new long[]{rs.getLong("recipients"), rs.getLong("converted"),
                                    rs.getLong("abnormal"), rs.getLong("referred"), rs.getLong("diagnosed")});
                }
            }
            return result;
        });
    }

    private record Campaign(long id, String pcn, String name, String programme, String source, String status,
                            LocalDate started, boolean judged) {
    }
}
