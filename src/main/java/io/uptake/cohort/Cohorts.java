package io.uptake.cohort;

import io.micronaut.context.annotation.Value;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.template.MessageTemplates;
import io.uptake.template.TemplateApprovals;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "who" of a campaign: evaluates a programme's rules at an asOf date over the imported record,
 * scoped to a PCN, in SQL. Other features use it to show a cohort, freeze it into recipients at launch
 * ({@link #insertEligibleRecipients}) and read a programme's conversion events and attribution window.
 */
@Singleton
public class Cohorts {
    private final JdbcOperations jdbc;
    private final RuleBook rules;
    private final MessageTemplates templates;
    private final TemplateApprovals approvals;
    private final Clock clock;
    private final ZoneId zone;
    private final String workMemSetting;

    Cohorts(JdbcOperations jdbc, RuleBook rules, MessageTemplates templates, TemplateApprovals approvals, Clock clock,
            @Value("${uptake.cohort.work-mem:64MB}") String workMem) {
        if (!workMem.matches("\\d{1,6}(kB|MB|GB)")) {
            throw new IllegalArgumentException("uptake.cohort.work-mem: a size such as 64MB");
        }
        this.workMemSetting = "SET LOCAL work_mem = '" + workMem + "'";
        this.jdbc = jdbc;
        this.rules = rules;
        this.templates = templates;
        this.approvals = approvals;
        this.clock = clock;
        this.zone = clock.getZone(); // uptake.timezone, through the one clock
    }

    public List<Programme> programmes() {
        return rules.programmes();
    }

    /** The programme, or {@link UnknownProgrammeException} naming the ones that exist. */
    public Programme programme(String name) {
        return rules.programme(name).orElseThrow(() -> new UnknownProgrammeException(name, rules.names()));
    }

    /** Today in the service's zone ({@code uptake.timezone}): the default asOf. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    /** The rule version in force for {@code programme} at {@code asOf}. */
    public RuleVersion rule(String programme, LocalDate asOf) {
        Programme p = programme(programme);
        return p.versionAt(asOf).orElseThrow(() -> new IllegalArgumentException(
                "Programme " + programme + " has no rule version in force on " + asOf));
    }

    /**
     * The cohort as SQL ending in a {@code cohort} CTE with columns patient_id, nhs_number, given_name,
     * family_name, date_of_birth, sex, age, practice_code, practice_name, practice_phone, pcn_id, language,
     * mobile, message_language and exclusions (text[], empty when eligible). Append a statement with
     * {@link CohortSql#then} and run it in your own transaction.
     */
    public CohortSql cohortSql(String programme, LocalDate asOf, Long pcnScope) {
        Programme p = programme(programme);
        // A patient whose language is not approved for this PCN (or not complete) is texted in English.
        return CohortQuery.build(p, rule(programme, asOf), asOf, pcnScope,
                approvals.sendableLanguages(p.name(), pcnScope), zone);
    }

    @Transactional
    public CohortSummary summary(String programme, LocalDate asOf, Long pcnScope) {
        CohortSql sql = summarySql(programme, asOf, pcnScope);
        return query(sql, rs -> {
            long candidates = 0;
            long eligible = 0;
            long excludedPatients = 0;
            Map<String, Long> excluded = new LinkedHashMap<>();
            CohortQuery.REASONS.forEach(r -> excluded.put(r, 0L));
            List<CohortSummary.PracticeCount> practices = new ArrayList<>();
            List<CohortSummary.LanguageCount> languages = new ArrayList<>();
            while (rs.next()) {
                boolean practiceRow = rs.getInt("by_practice") == 0;
                boolean languageRow = rs.getInt("by_language") == 0;
                if (practiceRow) {
                    practices.add(new CohortSummary.PracticeCount(rs.getString("practice_code"),
                            rs.getString("practice_name"), rs.getLong("eligible"), rs.getLong("excluded")));
                } else if (languageRow) {
                    languages.add(new CohortSummary.LanguageCount(rs.getString("language"),
                            rs.getString("message_language"), rs.getLong("eligible"), rs.getLong("excluded")));
                } else {
                    candidates = rs.getLong("candidates");
                    eligible = rs.getLong("eligible");
                    excludedPatients = rs.getLong("excluded");
                    for (String reason : CohortQuery.REASONS) {
                        excluded.put(reason, rs.getLong(reason));
                    }
                }
            }
            return new CohortSummary(programme, asOf, rule(programme, asOf).version(), candidates, eligible,
                    excludedPatients, excluded, practices, languages);
        });
    }

    /**
     * The one statement behind {@link #summary}: totals, per practice and per language in a single pass
     * (GROUPING SETS). Public so that the benchmark can time the bare SQL against the API.
     */
    public CohortSql summarySql(String programme, LocalDate asOf, Long pcnScope) {
        StringBuilder counts = new StringBuilder();
        for (String reason : CohortQuery.REASONS) {
            counts.append(",\n count(*) FILTER (WHERE '").append(reason).append("' = ANY(exclusions)) AS \"")
                    .append(reason).append('"');
        }
        CohortSql sql = cohortSql(programme, asOf, pcnScope).then("""
                SELECT GROUPING(practice_code) AS by_practice, GROUPING(language, message_language) AS by_language,
                       practice_code, max(practice_name) AS practice_name, language, message_language,
                       count(*) AS candidates,
                       count(*) FILTER (WHERE cardinality(exclusions) = 0) AS eligible,
                       count(*) FILTER (WHERE cardinality(exclusions) > 0) AS excluded%s
                FROM cohort
                GROUP BY GROUPING SETS ((), (practice_code), (language, message_language))
                ORDER BY practice_code, language""".formatted(counts), Map.of());
        return sql;
    }

    /** One page of patients ({@code filter}: all, eligible or excluded), eligible first. */
    @Transactional
    public CohortPage members(String programme, LocalDate asOf, Long pcnScope, String filter, int page, int size) {
        String f = filter == null ? "all" : filter;
        if (!List.of("all", "eligible", "excluded").contains(f)) {
            throw new IllegalArgumentException("filter: one of all, eligible, excluded");
        }
        int safeSize = Math.max(1, Math.min(size, 1000));
        int safePage = Math.max(0, page);
        List<Long> total = new ArrayList<>();
        CohortSql sql = cohortSql(programme, asOf, pcnScope).then("""
                SELECT *, count(*) OVER () AS total FROM cohort
                WHERE :filter = 'all' OR (:filter = 'eligible') = (cardinality(exclusions) = 0)
                ORDER BY cardinality(exclusions) > 0, practice_code, family_name, given_name, patient_id
                LIMIT :limit OFFSET :offset""",
                Map.of("filter", f, "limit", safeSize, "offset", (long) safePage * safeSize));
        List<CohortMember> members = query(sql, rs -> {
            List<CohortMember> out = new ArrayList<>();
            while (rs.next()) {
                if (total.isEmpty()) {
                    total.add(rs.getLong("total"));
                }
                out.add(member(rs));
            }
            return out;
        });
        long count = total.isEmpty() ? (safePage == 0 ? 0 : count(programme, asOf, pcnScope, f)) : total.get(0);
        return new CohortPage(programme, asOf, rule(programme, asOf).version(), f, safePage, safeSize, count, members);
    }

    /** Every candidate, eligible first (for exports and callers that need the whole list). */
    @Transactional
    public List<CohortMember> members(String programme, LocalDate asOf, Long pcnScope) {
        CohortSql sql = cohortSql(programme, asOf, pcnScope).then("""
                SELECT * FROM cohort
                ORDER BY cardinality(exclusions) > 0, practice_code, family_name, given_name, patient_id""", Map.of());
        return query(sql, rs -> {
            List<CohortMember> out = new ArrayList<>();
            while (rs.next()) {
                out.add(member(rs));
            }
            return out;
        });
    }

    /**
     * Freezes the eligible members into {@code recipient} rows of a campaign in one INSERT ... SELECT,
     * all in the TEXTED arm with their message language and mobile and no index date yet (the campaign
     * engine splits off its control arm and sets index dates). Joins the caller's transaction.
     *
     * @return the number of recipients inserted
     */
    @Transactional
    public int insertEligibleRecipients(long campaignId, String programme, LocalDate asOf, long pcnId,
                                        Instant createdAt) {
        CohortSql sql = cohortSql(programme, asOf, pcnId);
        CohortSql insert = new CohortSql(sql.sql().replaceFirst("^WITH ", "INSERT INTO recipient "
                + "(campaign_id, patient_id, arm, language, mobile, index_date, created_at)\nWITH "), sql.parameters())
                .then("""
                        SELECT :campaignId, patient_id, 'TEXTED', message_language, mobile, NULL, :createdAt
                        FROM cohort WHERE cardinality(exclusions) = 0""",
                        Map.of("campaignId", campaignId, "createdAt", createdAt));
        jdbc.prepareStatement(workMemSetting, java.sql.PreparedStatement::execute);
        return jdbc.prepareStatement(insert.sql(), ps -> {
            insert.bind(ps);
            return ps.executeUpdate();
        });
    }

    /** Eligible members grouped by what changes the rendered text: message language, given name, practice. */
    @Transactional
    public List<TextGroup> eligibleTextGroups(String programme, LocalDate asOf, Long pcnScope) {
        CohortSql sql = cohortSql(programme, asOf, pcnScope).then("""
                SELECT message_language, given_name, practice_code, max(practice_name) AS practice_name,
                       max(practice_phone) AS practice_phone, count(*) AS patients
                FROM cohort WHERE cardinality(exclusions) = 0
                GROUP BY message_language, given_name, practice_code""", Map.of());
        return query(sql, rs -> {
            List<TextGroup> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new TextGroup(rs.getString("message_language"), rs.getString("given_name"),
                        rs.getString("practice_code"), rs.getString("practice_name"),
                        rs.getString("practice_phone"), rs.getLong("patients")));
            }
            return out;
        });
    }

    /** Patients who would receive the same text (same language, given name and practice). */
    public record TextGroup(String messageLanguage, String givenName, String practiceCode, String practiceName,
                            String practicePhone, long patients) {
    }

    private long count(String programme, LocalDate asOf, Long pcnScope, String filter) {
        CohortSql sql = cohortSql(programme, asOf, pcnScope).then("""
                SELECT count(*) FROM cohort
                WHERE :filter = 'all' OR (:filter = 'eligible') = (cardinality(exclusions) = 0)""",
                Map.of("filter", filter));
        return query(sql, rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    private static CohortMember member(ResultSet rs) throws SQLException {
        Array exclusions = rs.getArray("exclusions");
        return new CohortMember(rs.getLong("patient_id"), rs.getString("nhs_number"), rs.getString("given_name"),
                rs.getString("family_name"), rs.getInt("age"), rs.getString("sex"), rs.getString("practice_code"),
                rs.getString("practice_name"), rs.getString("language"), rs.getString("message_language"),
                rs.getString("mobile"), Arrays.asList((String[]) exclusions.getArray()));
    }

    /**
     * The session setting every cohort statement runs with, inside its transaction: the hash joins and
     * aggregates over a million patients stay in memory instead of spilling to disk at the 4MB default.
     */
    public String sessionSetting() {
        return workMemSetting;
    }

    private <T> T query(CohortSql sql, ResultReader<T> reader) {
        jdbc.prepareStatement(workMemSetting, java.sql.PreparedStatement::execute);
        return jdbc.prepareStatement(sql.sql(), ps -> {
            sql.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        });
    }

    @FunctionalInterface
    private interface ResultReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
