package io.uptake.report;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.outcome.OutcomeRules;
import io.uptake.outcome.RecipientOutcomes;
import io.uptake.security.CurrentUser;
import io.uptake.template.MessageTemplates;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The uptake report of one campaign: one pass of {@link RecipientOutcomes} aggregated into the totals of each
 * arm and, with GROUPING SETS, the breakdowns, then intervals and disclosure in Java.
 */
@Singleton
class CampaignReports {
    /** Breakdown name in the JSON, and the column of {@code base} behind it. */
    static final Map<String, String> DIMENSIONS = dimensions();

    /**
     * One row per arm with every total (dimension columns null, all GROUPING flags 1), then one row per
     * breakdown cell of each arm with its recipients and converted only (the other counts 0, median null):
     * that is all a breakdown shows, and counting fourteen aggregates over seven grouping sets of every
     * recipient was most of the report's time.
     */
    static final String AGGREGATE = """
            -- The campaign's first call wave's day (issue 14): the call list takes those not converted by then, so
            -- the call's comparison is between the arms' patients not converted by that day.
            , call_day AS MATERIALIZED (
                SELECT w.campaign_id, min(CAST(timezone(params.zone, w.due_at) AS DATE)) AS day
                FROM params, campaign_wave w
                WHERE w.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[])) AND w.channel = 'CALL'
                GROUP BY w.campaign_id
            ),
            answered AS MATERIALIZED (
                SELECT DISTINCT t.campaign_id, t.patient_id FROM call_task t JOIN call_attempt a ON a.task_id = t.id
                WHERE t.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[]))
                  AND a.outcome IN ('BOOKED', 'DECLINED', 'ALREADY_SCREENED')
            ),
            cells AS MATERIALIZED (
                SELECT base.arm, base.language, base.ethnicity_group,
                       width_bucket(base.age, CAST(? AS INT[])) AS age_bucket, base.sex, base.imd_quintile,
                       base.practice_code, base.channel, base.texts, base.delivered, base.failed, base.opted_out,
                       base.converted_on, base.abnormal, base.referred_on, base.diagnosed_on, base.ruled_out_on,
                       base.days_to_outcome, base.segments, base.clicked, base.reached,
                       call_day.day IS NOT NULL AND (base.converted_on IS NULL OR base.converted_on >= call_day.day)
                           AS call_due,
                       answered.patient_id IS NOT NULL AS call_answered
                FROM base
                LEFT JOIN call_day ON call_day.campaign_id = base.campaign_id
                LEFT JOIN answered ON answered.campaign_id = base.campaign_id AND answered.patient_id = base.patient_id
            )
            SELECT arm,
                   NULL AS language, NULL AS ethnicity_group, CAST(NULL AS INT) AS age_bucket, NULL AS sex,
                   CAST(NULL AS INT) AS imd_quintile, NULL AS practice_code,
                   1 AS g_language, 1 AS g_ethnicity_group, 1 AS g_age_bucket, 1 AS g_sex, 1 AS g_imd_quintile,
                   1 AS g_practice_code,
                   count(*) AS recipients,
                   count(*) FILTER (WHERE texts > 0) AS sent,
                   count(*) FILTER (WHERE delivered) AS delivered,
                   count(*) FILTER (WHERE failed) AS failed,
                   count(*) FILTER (WHERE opted_out) AS opted_out,
                   count(converted_on) AS converted,
                   count(*) FILTER (WHERE abnormal) AS abnormal,
                   count(*) FILTER (WHERE abnormal AND referred_on IS NOT NULL) AS abnormal_referred,
                   count(referred_on) AS referred,
                   count(diagnosed_on) AS diagnosed,
                   count(ruled_out_on) AS ruled_out,
                   count(days_to_outcome) AS with_outcome,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_outcome) AS median_days,
                   sum(segments) AS segments,
                   count(*) FILTER (WHERE clicked) AS clicked,
                   count(*) FILTER (WHERE reached) AS reached,
                   -- The post-only patients' share (ChannelFigures: the text channel is the rest), as FILTERs of this
                   -- one pass rather than another grouping set over every patient.
                   count(*) FILTER (WHERE channel = 'LETTER') AS letter_patients,
                   count(*) FILTER (WHERE channel = 'LETTER' AND reached) AS letter_reached,
                   count(converted_on) FILTER (WHERE channel = 'LETTER') AS letter_converted,
                   count(*) FILTER (WHERE call_due) AS call_due,
                   count(*) FILTER (WHERE call_due AND call_answered) AS call_answered,
                   count(*) FILTER (WHERE call_due AND converted_on IS NOT NULL) AS call_converted
            FROM cells
            GROUP BY arm
            UNION ALL
            SELECT arm,
                   language, ethnicity_group, age_bucket, sex, imd_quintile, practice_code,
                   GROUPING(language), GROUPING(ethnicity_group), GROUPING(age_bucket), GROUPING(sex),
                   GROUPING(imd_quintile), GROUPING(practice_code),
                   count(*), 0, 0, 0, 0, count(converted_on), 0, 0, 0, 0, 0, 0, NULL, 0,
                   count(*) FILTER (WHERE clicked), 0, 0, 0, 0, 0, 0, 0
            FROM cells
            GROUP BY GROUPING SETS ((arm, language), (arm, ethnicity_group), (arm, age_bucket), (arm, sex),
                                    (arm, imd_quintile), (arm, practice_code))
            """;



    /**
     * Patients who replied with each numbered choice (issue 15), per arm and per breakdown cell: the replies
     * feature's coded column {@code inbound_message.choice}, through its campaign index, joined to the same
     * {@code base} as every other count so that the cells are the report's own.
     */
    static final String CHOICE_AGGREGATE = perCell("""
            SELECT DISTINCT im.campaign_id, im.patient_id, im.choice FROM inbound_message im
            WHERE im.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[])) AND im.choice IS NOT NULL""");

    /**
     * Patients of each call-list outcome (issue 14), per arm and breakdown cell: the call list's {@code call_task},
     * one row per patient and call wave, whose outcome is its last try's (a task still open after tries is
     * NO_ANSWER; one never tried is NOT_CALLED).
     */
    static final String CALL_AGGREGATE = perCell("""
            SELECT DISTINCT t.campaign_id, t.patient_id,
                   CASE WHEN t.outcome IS NOT NULL THEN t.outcome WHEN t.tries > 0 THEN 'NO_ANSWER'
                        ELSE 'NOT_CALLED' END AS choice
            FROM call_task t WHERE t.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[]))""");

    /** Patients by a coded value ({@code chosen}: campaign_id, patient_id, choice), in the report's own cells. */
    private static String perCell(String chosen) {
        return """
            , chosen AS MATERIALIZED (
            %s
            ),
            cells AS (
                SELECT base.arm, chosen.choice, base.language, base.ethnicity_group,
                       width_bucket(base.age, CAST(? AS INT[])) AS age_bucket, base.sex, base.imd_quintile,
                       base.practice_code
                FROM base JOIN chosen ON chosen.campaign_id = base.campaign_id AND chosen.patient_id = base.patient_id
            )
            SELECT arm, choice, language, ethnicity_group, age_bucket, sex, imd_quintile, practice_code,
                   GROUPING(language) AS g_language, GROUPING(ethnicity_group) AS g_ethnicity_group,
                   GROUPING(age_bucket) AS g_age_bucket, GROUPING(sex) AS g_sex, GROUPING(imd_quintile) AS g_imd_quintile,
                   GROUPING(practice_code) AS g_practice_code, count(*) AS patients
            FROM cells
            GROUP BY GROUPING SETS ((arm, choice), (arm, choice, language), (arm, choice, ethnicity_group),
                                    (arm, choice, age_bucket), (arm, choice, sex), (arm, choice, imd_quintile),
                                    (arm, choice, practice_code))
            """.formatted(chosen);
    }

    private static final String TIMELINE = """
            SELECT arm, days_to_convert, GROUPING(days_to_convert) AS g, count(*) AS n
            FROM base
            GROUP BY GROUPING SETS ((arm), (arm, days_to_convert))
            """;

    private final JdbcOperations jdbc;
    private final RecipientOutcomes outcomes;
    private final ReportSettings settings;
    private final ReplyStats replies;
    private final OutcomeRules rules;
    /** The price per segment and its currency: the templates' (uptake.template.*), so the cost estimate before
     * launch and the report's cost afterwards are priced alike. */
    private final MessageTemplates tariff;

    CampaignReports(JdbcOperations jdbc, RecipientOutcomes outcomes, ReportSettings settings, ReplyStats replies,
                    OutcomeRules rules, MessageTemplates tariff) {
        this.rules = rules;
        this.tariff = tariff;
        this.jdbc = jdbc;
        this.outcomes = outcomes;
        this.settings = settings;
        this.replies = replies;
    }

    /** A campaign the user may see (their PCN's, or any for ADMIN); empty otherwise, so callers answer 404. */
    @Transactional(readOnly = true)
    Optional<CampaignHeader> header(long id, CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT c.id, c.pcn_id, c.name, c.programme, c.source, c.status, c.attribution_days
                FROM campaign c
                WHERE c.id = ? AND (CAST(? AS BIGINT) IS NULL OR c.pcn_id = ?)""", ps -> {
            ps.setLong(1, id);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String programme = rs.getString("programme");
                return Optional.of(new CampaignHeader(rs.getLong("id"), rs.getLong("pcn_id"), rs.getString("name"),
                        programme, rs.getString("source"), rs.getString("status"),
                        rs.getInt("attribution_days"), rules.version(), rules.judgesResults(programme)));
            }
        });
    }

    @Transactional(readOnly = true)
    CampaignReport report(CampaignHeader campaign, Disclosure disclosure) {
        return report(campaign, cells(campaign.id()), disclosure);
    }

    /** From cells already fetched, so that one pass can give both the internal and the published form. */
    @Transactional(readOnly = true)
    CampaignReport report(CampaignHeader campaign, List<Cell> cells, Disclosure disclosure) {
        Cell texted = total(cells, "TEXTED");
        Cell control = total(cells, "CONTROL");
        boolean external = "EXTERNAL".equals(campaign.source());

        Long recipients = disclosure.count(texted.recipients);
        Long converted = disclosure.count(texted.converted);
        Double rate = rateOf(converted, recipients);
        List<Double> ci = intervalOf(converted, recipients);

        ReplyStats.Counts replyCounts = replies.available()
                ? replies.forCampaigns(List.of(campaign.id())).getOrDefault(campaign.id(), new ReplyStats.Counts(0, 0))
                : null;

        Long segments = external ? null : texted.segments;
        BigDecimal cost = segments == null ? null
                : tariff.pricePerSegment().multiply(BigDecimal.valueOf(segments)).setScale(2, RoundingMode.HALF_UP);
        // The texts' cost over the conversions of the patients texted: the post-only patients, written to, cost no
        // segments, and their conversions would make each text look cheaper than it was.
        Long textConverted = disclosure.count(texted.converted - texted.letterConverted);
        BigDecimal costPerConversion = cost == null || textConverted == null || textConverted == 0 ? null
                : cost.divide(BigDecimal.valueOf(textConverted), 2, RoundingMode.HALF_UP);

        CampaignReport.Arm controlArm = null;
        CampaignReport.Uplift uplift = null;
        if (control.recipients > 0) {
            Long patients = disclosure.count(control.recipients);
            Long controlConverted = disclosure.count(control.converted);
            controlArm = new CampaignReport.Arm(patients, external ? null : disclosure.count(control.clicked),
                    controlConverted, rateOf(controlConverted, patients), intervalOf(controlConverted, patients));
            if (converted != null && recipients != null && controlConverted != null && patients != null
                    && recipients > 0 && patients > 0) {
                uplift = new CampaignReport.Uplift((double) converted / recipients - (double) controlConverted / patients,
                        Proportions.newcombe(converted, recipients, controlConverted, patients));
            } else {
                uplift = new CampaignReport.Uplift(null, null);
            }
        }

        CampaignReport.Calls calls = external ? null : calls(campaign, cells, disclosure);
        return new CampaignReport(campaign.id(), campaign.name(), campaign.programme(), campaign.source(),
                campaign.attributionDays(), outcomes.windowDays(), campaign.ruleVersion(),
                disclosure.publication() ? new CampaignReport.Publication(disclosure.suppressFrom(),
                        disclosure.suppressTo(), disclosure.roundTo()) : null,
                recipients,
                disclosure.count(texted.recipients + control.recipients),
                disclosure.count(external ? texted.recipients : texted.sent),
                external ? null : disclosure.count(texted.delivered),
                external ? null : disclosure.count(texted.clicked),
                external ? null : disclosure.count(texted.failed),
                disclosure.count(texted.optedOut),
                replyCounts == null ? null : disclosure.count(replyCounts.replied()),
                replyCounts == null ? null : disclosure.count(replyCounts.callRequests()),
                converted, rate, ci,
                campaign.judged() ? disclosure.count(texted.abnormal) : null,
                campaign.judged() ? disclosure.count(texted.abnormalReferred) : null,
                disclosure.count(texted.referred),
                disclosure.count(texted.diagnosed),
                disclosure.count(texted.ruledOut),
                disclosure.mayShowStatisticOf(texted.withOutcome) ? texted.medianDays : null,
                segments, cost, costPerConversion, tariff.currency(),
                controlArm, uplift, breakdowns(cells, disclosure, rate),
                choices(campaign, cells, disclosure), calls,
                external ? null : ChannelFigures.of(cells, calls != null, disclosure));
    }

    /** The choices {@code programme} offers as the report names them: "notForMe" is NOT_FOR_ME. */
    static List<String> offeredChoices(MessageTemplates templates, String programme) {
        return templates.programmes().contains(programme) ? templates.choices(programme).stream()
                .map(n -> n.replaceAll("([A-Z])", "_$1").toUpperCase(java.util.Locale.ROOT)).toList() : List.of();
    }

    private CampaignReport.Choices choices(CampaignHeader campaign, List<Cell> cells, Disclosure disclosure) {
        List<String> offered = offeredChoices(tariff, campaign.programme());
        if (offered.isEmpty() || "EXTERNAL".equals(campaign.source())) {
            return null;
        }
        Counted counted = counted(CHOICE_AGGREGATE, campaign, cells, offered, disclosure);
        boolean hasControl = cells.stream().anyMatch(c -> "CONTROL".equals(c.arm) && c.dimension == null
                && c.recipients > 0);
        return new CampaignReport.Choices(offered,
                perChoice(offered, counted.totals().getOrDefault("TEXTED", Map.of()), disclosure),
                hasControl ? perChoice(offered, counted.totals().getOrDefault("CONTROL", Map.of()), disclosure) : null,
                counted.breakdowns());
    }

    /** The call-list outcomes, and the breakdowns of the two a report reads by group; null without a call wave. */
    private CampaignReport.Calls calls(CampaignHeader campaign, List<Cell> cells, Disclosure disclosure) {
        Long attempts = jdbc.prepareStatement("""
                SELECT CASE WHEN EXISTS (SELECT 1 FROM campaign_wave w WHERE w.campaign_id = ? AND w.channel = 'CALL')
                            THEN (SELECT count(*) FROM call_attempt a JOIN call_task t ON t.id = a.task_id
                                  WHERE t.campaign_id = ?) END""", ps -> {
            ps.setLong(1, campaign.id());
            ps.setLong(2, campaign.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                return rs.wasNull() ? null : n;
            }
        });
        if (attempts == null) {
            return null;
        }
        Counted counted = counted(CALL_AGGREGATE, campaign, cells, CampaignReport.Calls.OUTCOMES, disclosure);
        Map<String, Long> texted = perChoice(CampaignReport.Calls.OUTCOMES,
                counted.totals().getOrDefault("TEXTED", Map.of()), disclosure);
        long listed = counted.totals().getOrDefault("TEXTED", Map.of()).values().stream().mapToLong(Long::longValue).sum();
        Map<String, List<CampaignReport.ChoiceGroup>> breakdowns = new LinkedHashMap<>();
        counted.breakdowns().forEach((dimension, rows) -> breakdowns.put(dimension, rows.stream()
                .map(g -> new CampaignReport.ChoiceGroup(g.value(), g.label(), onlyGrouped(g.patients()))).toList()));
        return new CampaignReport.Calls(disclosure.count(listed), disclosure.count(attempts), texted, breakdowns);
    }

    private static Map<String, Long> onlyGrouped(Map<String, Long> patients) {
        Map<String, Long> out = new LinkedHashMap<>();
        CampaignReport.Calls.GROUPED.forEach(o -> out.put(o, patients.get(o)));
        return out;
    }

    /** Patients per value, by arm, and the texted arm's per breakdown cell (every cell, with zeros). */
    private record Counted(Map<String, Map<String, Long>> totals,
                           Map<String, List<CampaignReport.ChoiceGroup>> breakdowns) {
    }

    private Counted counted(String aggregate, CampaignHeader campaign, List<Cell> cells, List<String> values,
                            Disclosure disclosure) {
        Map<String, Map<String, Long>> totals = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Long>>> byCell = new LinkedHashMap<>();
        jdbc.prepareStatement(outcomes.sql(aggregate), ps -> {
            outcomes.bind(ps, campaign.id());
            ps.setArray(RecipientOutcomes.PARAMETERS + 1,
                    ps.getConnection().createArrayOf("integer", settings.getAgeBandStarts().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String arm = rs.getString("arm");
                    String choice = rs.getString("choice");
                    long patients = rs.getLong("patients");
                    String dimension = null;
                    String value = null;
                    for (Map.Entry<String, String> d : DIMENSIONS.entrySet()) {
                        if (rs.getInt("g_" + d.getValue()) == 0) {
                            dimension = d.getKey();
                            value = rs.getString(d.getValue());
                        }
                    }
                    if (dimension == null) {
                        totals.computeIfAbsent(arm, x -> new LinkedHashMap<>()).put(choice, patients);
                    } else if ("TEXTED".equals(arm)) {
                        byCell.computeIfAbsent(dimension, x -> new LinkedHashMap<>())
                                .computeIfAbsent(value == null ? NULL_VALUE : value, v -> new LinkedHashMap<>())
                                .put(choice, patients);
                    }
                }
            }
            return null;
        });
        Map<String, String> practiceNames = practiceNames(cells);
        Map<String, List<CampaignReport.ChoiceGroup>> breakdowns = new LinkedHashMap<>();
        // Every cell of the report's own breakdowns, so a group nobody in it chose anything from still shows zeros.
        for (String dimension : DIMENSIONS.keySet()) {
            List<CampaignReport.ChoiceGroup> rows = new ArrayList<>();
            for (Cell cell : cells) {
                if (!"TEXTED".equals(cell.arm) || !dimension.equals(cell.dimension)) {
                    continue;
                }
                Map<String, Long> counts = byCell.getOrDefault(dimension, Map.of())
                        .getOrDefault(cell.value == null ? NULL_VALUE : cell.value, Map.of());
                rows.add(new CampaignReport.ChoiceGroup(cell.value, label(dimension, cell.value, practiceNames),
                        perChoice(values, counts, disclosure)));
            }
            rows.sort(Comparator.comparing(CampaignReport.ChoiceGroup::value,
                    Comparator.nullsLast(Comparator.naturalOrder())));
            breakdowns.put(dimension, rows);
        }
        return new Counted(totals, breakdowns);
    }

    /** A group key for the database's null (an unknown ethnicity, say), which a map cannot hold as null. */
    private static final String NULL_VALUE = "\u0000null";

    private static Map<String, Long> perChoice(List<String> offered, Map<String, Long> counts, Disclosure disclosure) {
        Map<String, Long> out = new LinkedHashMap<>();
        offered.forEach(c -> out.put(c, disclosure.count(counts.getOrDefault(c, 0L))));
        return out;
    }

    @Transactional(readOnly = true)
    Timeline timeline(CampaignHeader campaign) {
        Map<String, long[]> byArm = new LinkedHashMap<>();
        Map<String, Long> patients = new LinkedHashMap<>();
        int days = campaign.attributionDays();
        jdbc.prepareStatement(outcomes.sql(TIMELINE), ps -> {
            outcomes.bind(ps, campaign.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String arm = rs.getString("arm");
                    long[] perDay = byArm.computeIfAbsent(arm, a -> new long[days + 1]);
                    if (rs.getInt("g") == 1) {
                        patients.put(arm, rs.getLong("n"));
                    } else {
                        int day = rs.getInt("days_to_convert");
                        if (!rs.wasNull() && day >= 0 && day <= days) {
                            perDay[day] += rs.getLong("n");
                        }
                    }
                }
            }
            return null;
        });
        List<Timeline.Series> series = new ArrayList<>();
        for (String arm : List.of("TEXTED", "CONTROL")) {
            long[] perDay = byArm.get(arm);
            if (perDay == null) {
                continue;
            }
            long n = patients.getOrDefault(arm, 0L);
            List<Long> cumulative = new ArrayList<>();
            List<Double> rates = new ArrayList<>();
            long running = 0;
            for (long count : perDay) {
                running += count;
                cumulative.add(running);
                rates.add(n == 0 ? 0 : (double) running / n);
            }
            series.add(new Timeline.Series(arm, n, cumulative, rates));
        }
        return new Timeline(campaign.id(), days, series);
    }

    @Transactional(readOnly = true)
    List<Cell> cells(long campaignId) {
        return jdbc.prepareStatement(outcomes.sql(AGGREGATE), ps -> {
            outcomes.bind(ps, campaignId);
            ps.setArray(RecipientOutcomes.PARAMETERS + 1,
                    ps.getConnection().createArrayOf("integer", settings.getAgeBandStarts().toArray()));
            List<Cell> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(Cell.of(rs));
                }
            }
            return result;
        });
    }

    private Map<String, List<CampaignReport.Group>> breakdowns(List<Cell> cells, Disclosure disclosure, Double overall) {
        Map<String, String> practiceNames = practiceNames(cells);
        Map<String, List<CampaignReport.Group>> result = new LinkedHashMap<>();
        for (String dimension : DIMENSIONS.keySet()) {
            List<CampaignReport.Group> rows = new ArrayList<>();
            for (Cell cell : cells) {
                if (!"TEXTED".equals(cell.arm) || !dimension.equals(cell.dimension)) {
                    continue;
                }
                Long n = disclosure.count(cell.recipients);
                Long k = disclosure.count(cell.converted);
                List<Double> ci = intervalOf(k, n);
                rows.add(new CampaignReport.Group(cell.value, label(dimension, cell.value, practiceNames), n,
                        disclosure.count(cell.clicked), k, rateOf(k, n), ci, false,
                        overall != null && ci != null && ci.get(1) < overall));
            }
            rows.sort(Comparator.comparing(CampaignReport.Group::value, Comparator.nullsLast(Comparator.naturalOrder())));
            result.put(dimension, markLowest(rows, overall));
        }
        return result;
    }

    /**
     * Marks "lowest uptake" on the groups significantly below the campaign's rate ({@link LowestUptake}), however many
     * or few there are: none when no group's interval lies wholly below it.
     */
    private List<CampaignReport.Group> markLowest(List<CampaignReport.Group> rows, Double overall) {
        return rows.stream().map(g -> LowestUptake.marks(g.recipients(), g.ci95(), overall,
                settings.getLowestGroupMinRecipients())
                ? new CampaignReport.Group(g.value(), g.label(), g.recipients(), g.clicked(), g.converted(), g.rate(),
                g.ci95(), true, g.belowOverall())
                : g).toList();
    }

    private String label(String dimension, String value, Map<String, String> practiceNames) {
        if (value == null) {
            return "Unknown";
        }
        return switch (dimension) {
            case "language" -> {
                // One spelling per language, the same as every page (Panjabi, Bengali: not the JDK's Punjabi, Bangla).
                String name = new io.uptake.web.PeopleFormats(java.time.ZoneOffset.UTC, Map.of()).language(value);
                yield name.isEmpty() ? value : name;
            }
            case "ageBand" -> settings.ageBandLabel(Integer.parseInt(value));
            case "sex" -> switch (value) {
                case "F" -> "Female";
                case "M" -> "Male";
                default -> "Unknown";
            };
            case "imdQuintile" -> switch (value) {
                case "1" -> "1 (most deprived)";
                case "5" -> "5 (least deprived)";
                default -> value;
            };
            case "practice" -> practiceNames.getOrDefault(value, value) + " (" + value + ")";
            case "ethnicityGroup" -> value.charAt(0) + value.substring(1).toLowerCase(Locale.ROOT);
            default -> value;
        };
    }

    private Map<String, String> practiceNames(List<Cell> cells) {
        Set<String> codes = new java.util.HashSet<>();
        for (Cell c : cells) {
            if ("practice".equals(c.dimension) && c.value != null) {
                codes.add(c.value);
            }
        }
        if (codes.isEmpty()) {
            return Map.of();
        }
        return jdbc.prepareStatement("SELECT code, name FROM practice WHERE code = ANY (?)", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", codes.toArray()));
            Map<String, String> names = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getString(1), rs.getString(2));
                }
            }
            return names;
        });
    }

    static Double rateOf(Long k, Long n) {
        return k == null || n == null ? null : Proportions.rate(k, n);
    }

    static List<Double> intervalOf(Long k, Long n) {
        return k == null || n == null || k > n ? null : Proportions.wilson(k, n);
    }

    /** An arm's total row (an empty one when the arm has no patients). */
    static Cell total(List<Cell> cells, String arm) {
        return cells.stream().filter(c -> arm.equals(c.arm) && c.dimension == null).findFirst()
                .orElse(Cell.empty(arm));
    }

    private static Map<String, String> dimensions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("language", "language");
        d.put("ethnicityGroup", "ethnicity_group");
        d.put("ageBand", "age_bucket");
        d.put("sex", "sex");
        d.put("imdQuintile", "imd_quintile");
        d.put("practice", "practice_code");
        return d;
    }

    /** A campaign as the report needs it; judged = its programme has an abnormal-result threshold. */
    record CampaignHeader(long id, long pcnId, String name, String programme, String source, String status,
                          int attributionDays, String ruleVersion, boolean judged) {
    }

    /** One row of {@link #AGGREGATE}: an arm's total (dimension null) or one breakdown cell (recipients, converted). */
    static final class Cell {
        String arm;
        String dimension;
        String value;
        long recipients;
        long sent;
        long delivered;
        long failed;
        long optedOut;
        long converted;
        long abnormal;
        long abnormalReferred;
        long referred;
        long diagnosed;
        long ruledOut;
        long withOutcome;
        Double medianDays;
        long segments;
        long clicked;
        /** A text delivered or a letter that left. */
        long reached;
        /** Of the arm's total only: its patients reachable only by post, those reached, and those converted. */
        long letterPatients;
        long letterReached;
        long letterConverted;
        /** Of the arm's total only: patients not converted by the first call wave's day, those of them a call
         * reached, and those of them who converted (0 without a call wave). */
        long callDue;
        long callAnswered;
        long callConverted;

        static Cell empty(String arm) {
            Cell c = new Cell();
            c.arm = arm;
            return c;
        }

        static Cell of(ResultSet rs) throws SQLException {
            Cell c = new Cell();
            c.arm = rs.getString("arm");
            for (Map.Entry<String, String> d : DIMENSIONS.entrySet()) {
                if (rs.getInt("g_" + d.getValue()) == 0) {
                    c.dimension = d.getKey();
                    c.value = rs.getString(d.getValue());
                }
            }
            c.recipients = rs.getLong("recipients");
            c.sent = rs.getLong("sent");
            c.delivered = rs.getLong("delivered");
            c.failed = rs.getLong("failed");
            c.optedOut = rs.getLong("opted_out");
            c.converted = rs.getLong("converted");
            c.abnormal = rs.getLong("abnormal");
            c.abnormalReferred = rs.getLong("abnormal_referred");
            c.referred = rs.getLong("referred");
            c.diagnosed = rs.getLong("diagnosed");
            c.ruledOut = rs.getLong("ruled_out");
            c.withOutcome = rs.getLong("with_outcome");
            double median = rs.getDouble("median_days");
            c.medianDays = rs.wasNull() ? null : median;
            c.segments = rs.getLong("segments");
            c.clicked = rs.getLong("clicked");
            c.reached = rs.getLong("reached");
            c.letterPatients = rs.getLong("letter_patients");
            c.letterReached = rs.getLong("letter_reached");
            c.letterConverted = rs.getLong("letter_converted");
            c.callDue = rs.getLong("call_due");
            c.callAnswered = rs.getLong("call_answered");
            c.callConverted = rs.getLong("call_converted");
            return c;
        }
    }
}
