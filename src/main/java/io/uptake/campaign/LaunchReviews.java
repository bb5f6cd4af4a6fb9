package io.uptake.campaign;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.cohort.CohortMember;
import io.uptake.cohort.CohortSql;
import io.uptake.cohort.CohortSummary;
import io.uptake.cohort.Cohorts;
import io.uptake.cohort.ExclusionReasons;
import io.uptake.importing.ImportAges;
import io.uptake.security.CurrentUser;
import io.uptake.template.LanguageInfo;
import io.uptake.template.MessageTemplates;
import io.uptake.template.OwnTexts;
import io.uptake.template.TemplateApprovals;
import io.uptake.template.Placeholders;
import io.uptake.template.RenderedMessage;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes the review of a launch without writing anything: the same plan, schedule, cohort and split size as
 * {@link CampaignService#launch}, so that what the CCC checks is what the launch then does.
 */
@Singleton
public class LaunchReviews {
    /** The exclusion reason shown for a patient the CCC left out by name. */
    public static final String LEFT_OUT = "left-out-by-ccc";
    private final JdbcOperations jdbc;
    private final Cohorts cohorts;
    private final MessageTemplates templates;
    private final Programmes programmes;
    private final BankHolidays holidays;
    private final Clock clock;
    private final TemplateApprovals approvals;
    private final LetterEstimates letterEstimates;
    private final ImportAges importAges;

    LaunchReviews(JdbcOperations jdbc, Cohorts cohorts, MessageTemplates templates, Programmes programmes,
                  BankHolidays holidays, Clock clock, TemplateApprovals approvals, LetterEstimates letterEstimates,
                  ImportAges importAges) {
        this.approvals = approvals;
        this.letterEstimates = letterEstimates;
        this.importAges = importAges;
        this.jdbc = jdbc;
        this.cohorts = cohorts;
        this.templates = templates;
        this.programmes = programmes;
        this.holidays = holidays;
        this.clock = clock;
    }

    /** The cohort's words for its reasons (one wording, ExclusionReasons), and the launch's own for a CCC's. */
    static String label(String reason) {
        return LEFT_OUT.equals(reason) ? "Left out by a CCC before launch" : ExclusionReasons.label(reason);
    }

    @Transactional(readOnly = true)
    public LaunchReview review(CampaignRequest request, CurrentUser user) {
        if (user.pcnId() == null) {
            throw new CampaignPlan.Invalid(List.of(new CampaignPlan.FieldError("pcn", "only a PCN's staff launch campaigns")));
        }
        long pcnId = user.pcnId();
        CampaignPlan plan = CampaignPlan.from(request, clock.instant(), clock.getZone(), programmes);
        List<Instant> due = plan.waveDue(holidays);
        String programme = plan.programme();
        CohortSummary summary = cohorts.summary(programme, plan.asOf(), pcnId);
        List<String> leaveOut = List.copyOf(plan.leaveOut().keySet());
        List<LaunchReview.LeftOut> leftOut = leftOut(plan, pcnId, leaveOut);

        long recipients = summary.eligible() - leftOut.size();
        long control = plan.controlSize(recipients);
        long texted = recipients - control;
        List<LaunchReview.Exclusion> exclusions = new ArrayList<>();
        summary.excluded().forEach((reason, n) -> exclusions.add(new LaunchReview.Exclusion(reason, label(reason), n)));
        exclusions.add(new LaunchReview.Exclusion(LEFT_OUT, label(LEFT_OUT), leftOut.size()));
        LaunchReview.Cohort cohort = new LaunchReview.Cohort(summary.candidates(), summary.eligible(),
                summary.excludedPatients() + leftOut.size(), recipients, exclusions);
        LaunchReview.Arms arms = new LaunchReview.Arms(recipients, plan.controlFraction(), control, texted);

        List<LaunchReview.Wave> waves = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
            WaveChannel channel = plan.channel(i + 1);
            waves.add(new LaunchReview.Wave(i + 1, template(i + 1), due.get(i), texts(channel) ? texted : 0, channel,
                    channel.label()));
        }

        // In the PCN's own words where they are approved, as the launch freezes them.
        OwnTexts own = approvals.sending(programme, pcnId);
        // Every recipient's texts, rendered once per group of patients who get the same words (language, given
        // name, practice), as the dispatcher renders them; then scaled to the texted arm.
        CohortSql groups = cohorts.cohortSql(programme, plan.asOf(), pcnId).then("""
                SELECT message_language, given_name, practice_code, max(practice_name) AS practice_name,
                       max(practice_phone) AS practice_phone, count(*) AS patients
                FROM cohort WHERE cardinality(exclusions) = 0 AND NOT (CAST(nhs_number AS TEXT) = ANY(:leaveOut))
                GROUP BY message_language, given_name, practice_code""", Map.of("leaveOut", leaveOut));
        Map<String, long[]> byLanguage = new TreeMap<>(); // language -> {recipients, texts, segments}
        query(groups, rs -> {
            while (rs.next()) {
                String practice = rs.getString("practice_name");
                String phone = rs.getString("practice_phone");
                Placeholders values = new Placeholders(rs.getString("given_name"), practice == null ? "" : practice,
                        phone == null ? "" : phone, null);
                long patients = rs.getLong("patients");
                String lang = rs.getString("message_language");
                long[] acc = byLanguage.computeIfAbsent(lang, l -> new long[3]);
                acc[0] += patients;
                for (int w = 1; w <= due.size(); w++) {
                    if (!texts(plan.channel(w))) {
                        continue;
                    }
                    RenderedMessage m = templates.render(programme, template(w), lang, values, own);
                    acc[1] += patients;
                    acc[2] += (long) m.segments() * patients;
                }
            }
            return null;
        });
        // Patients whose own language may not be sent (not approved for this PCN, or no texts): they get English.
        Map<String, Long> fallback = query(cohorts.cohortSql(programme, plan.asOf(), pcnId).then("""
                SELECT language, count(*) AS patients FROM cohort
                WHERE cardinality(exclusions) = 0 AND NOT (CAST(nhs_number AS TEXT) = ANY(:leaveOut))
                  AND language IS NOT NULL AND language <> message_language
                GROUP BY language ORDER BY language""", Map.of("leaveOut", leaveOut)), rs -> {
            Map<String, Long> out = new LinkedHashMap<>();
            while (rs.next()) {
                out.put(rs.getString("language"), rs.getLong("patients"));
            }
            return out;
        });
        Map<String, TemplateApprovals.LanguageApproval> states = new LinkedHashMap<>();
        approvals.approvals(programme, pcnId).forEach(a -> states.put(a.language(), a));
        List<LaunchReview.NotApproved> notApproved = new ArrayList<>();
        fallback.forEach((code, n) -> {
            TemplateApprovals.LanguageApproval a = states.get(code);
            notApproved.add(new LaunchReview.NotApproved(code, a == null ? languageName(code) : a.name(),
                    a == null ? "none" : a.state(), n));
        });
        boolean exact = control == 0;
        List<LaunchReview.LanguageCost> costs = new ArrayList<>();
        List<LaunchReview.Language> languages = new ArrayList<>();
        long allTexts = 0;
        long allSegments = 0;
        for (Map.Entry<String, long[]> e : byLanguage.entrySet()) {
            long[] acc = e.getValue();
            long texts = scale(acc[1], texted, recipients);
            long segments = scale(acc[2], texted, recipients);
            allTexts += texts;
            allSegments += segments;
            costs.add(new LaunchReview.LanguageCost(e.getKey(), texts, segments, templates.cost(segments)));
            languages.add(language(programme, e.getKey(), acc[0], due.size(), own, states.get(e.getKey())));
        }
        LaunchReview.Cost cost = new LaunchReview.Cost(templates.currency(), templates.pricePerSegment(), allTexts,
                allSegments, templates.cost(allSegments), exact, costs);
        String title = cohorts.programme(programme).title();
        LocalDate lastTextOn = lastTextOn(plan, waves);
        // The letters the waves write (AUTO: to those only a letter reaches; LETTER: to all with an address).
        LetterEstimates.Letters letters = letterEstimates.estimate(programme, plan.asOf(), pcnId, leaveOut,
                plan.controlFraction(), waves.stream().map(LaunchReview.Wave::channel).toList());
        List<LaunchReview.StaleImport> stale = importAges.stale(pcnId).stream()
                .map(a -> new LaunchReview.StaleImport(a.kind(), a.label(), a.at(), a.days(),
                        importAges.staleAfter().toDays()))
                .toList();
        LaunchReview draft = new LaunchReview(plan.name(), programme, title, plan.asOf(), summary.ruleVersion(), cohort,
                arms, waves, languages, cost, leftOut, notApproved, "", plan.dailyCap(), lastTextOn, stale, letters);
        return new LaunchReview(draft.name(), programme, title, plan.asOf(), summary.ruleVersion(), cohort, arms, waves,
                languages, cost, leftOut, notApproved, token(draft), plan.dailyCap(), lastTextOn, stale, letters);
    }

    /** The day the last text goes, each wave's texts due from its first open slot, at the plan's daily cap. */
    private LocalDate lastTextOn(CampaignPlan plan, List<LaunchReview.Wave> waves) {
        List<DailyCap.Wave> days = waves.stream()
                .map(w -> new DailyCap.Wave(w.startsAt().atZone(holidays.zone()).toLocalDate(), w.texts())).toList();
        try {
            return DailyCap.lastSendDay(days, plan.dailyCap(), plan.window(), holidays);
        } catch (IllegalArgumentException e) {
            throw new CampaignPlan.Invalid(List.of(new CampaignPlan.FieldError("dailyCap", e.getMessage())));
        }
    }

    /** Every eligible patient by name, for the CCC to read and leave patients out of before launch. */
    @Transactional(readOnly = true)
    public List<CohortMember> namedList(String programme, java.time.LocalDate asOf, CurrentUser user) {
        return cohorts.members(programme, asOf, user.pcnId()).stream().filter(CohortMember::eligible).toList();
    }

    private List<LaunchReview.LeftOut> leftOut(CampaignPlan plan, long pcnId, List<String> leaveOut) {
        if (leaveOut.isEmpty()) {
            return List.of();
        }
        CohortSql sql = cohorts.cohortSql(plan.programme(), plan.asOf(), pcnId).then("""
                SELECT CAST(nhs_number AS TEXT) AS nhs, given_name, family_name, practice_code FROM cohort
                WHERE cardinality(exclusions) = 0 AND CAST(nhs_number AS TEXT) = ANY(:leaveOut)""",
                Map.of("leaveOut", leaveOut));
        Map<String, LaunchReview.LeftOut> found = query(sql, rs -> {
            Map<String, LaunchReview.LeftOut> out = new LinkedHashMap<>();
            while (rs.next()) {
                String nhs = rs.getString("nhs").strip();
                out.put(nhs, new LaunchReview.LeftOut(nhs, rs.getString("given_name"), rs.getString("family_name"),
                        rs.getString("practice_code"), plan.leaveOut().get(nhs)));
            }
            return out;
        });
        List<CampaignPlan.FieldError> errors = new ArrayList<>();
        List<LaunchReview.LeftOut> out = new ArrayList<>();
        for (int i = 0; i < leaveOut.size(); i++) {
            LaunchReview.LeftOut l = found.get(leaveOut.get(i));
            if (l == null) {
                errors.add(new CampaignPlan.FieldError("leaveOut[" + i + "].nhsNumber",
                        "is not an eligible patient of this cohort"));
            } else {
                out.add(l);
            }
        }
        if (!errors.isEmpty()) {
            throw new CampaignPlan.Invalid(errors);
        }
        return out;
    }

    private LaunchReview.Language language(String programme, String code, long recipients, int waves,
                                           OwnTexts own, TemplateApprovals.LanguageApproval approval) {
        List<LaunchReview.Text> texts = new ArrayList<>();
        boolean draft = false;
        boolean rtl = false;
        for (int w = 1; w <= Math.min(waves, 2); w++) { // every reminder has the same words
            RenderedMessage m = templates.render(programme, template(w), code, Placeholders.sample(), own);
            texts.add(new LaunchReview.Text(template(w), m.text(), m.segments(), m.encoding()));
            draft |= m.draft();
            rtl |= m.rtl();
        }
        String name = templates.language(code).map(LanguageInfo::name).orElse(code);
        // The cohort sends only approved languages and English; English may be the shipped source while the PCN's own
        // English waits for its LEAD (then the state is the own draft's, and the shipped words go). A draft whose
        // earlier approved version stays in use shows that version's approval (hazard H-026).
        boolean sendable = approval != null && approval.sendable();
        TemplateApprovals.InUse earlier = approval == null || sendable ? null : approval.inUse();
        String state = sendable ? approval.state() : earlier != null ? TemplateApprovals.APPROVED : TemplateApprovals.SOURCE;
        String note = null;
        if (earlier != null) {
            note = "Your PCN's newer " + name + " texts are waiting for a lead to approve them: the version approved by "
                    + earlier.approvedBy() + " is sent until then.";
        } else if (!sendable && approval != null && approval.ownTexts()) {
            note = "Your PCN's own " + name + " texts are waiting for a lead to approve them: the shipped " + name
                    + " texts are sent until then.";
        }
        String by = sendable ? approval.approvedBy() : earlier != null ? earlier.approvedBy() : null;
        java.time.Instant at = sendable ? approval.approvedAt() : earlier != null ? earlier.approvedAt() : null;
        boolean ownSent = sendable ? approval.ownTexts() : earlier != null && earlier.ownTexts();
        return new LaunchReview.Language(code, name, draft, rtl, recipients, texts, state, by, at, ownSent, note);
    }

    /**
     * A language Uptake has no texts for, by name as the pages write it ("Somali" for {@code so}), never the bare
     * key; the key itself only where the JDK does not know the code either.
     */
    static String languageName(String code) {
        String name = java.util.Locale.forLanguageTag(code).getDisplayLanguage(java.util.Locale.UK);
        return name.isBlank() || name.equalsIgnoreCase(code) ? code : name;
    }

    /** Whether a wave of this channel texts the texted arm (whose recipients all have a usable mobile). */
    static boolean texts(WaveChannel channel) {
        return WaveChannelPolicy.reach(channel, new WaveChannelPolicy.Patient(false, true, true)).channel() == Channel.SMS;
    }

    static String template(int wave) {
        return wave == 1 ? "initial" : "reminder";
    }

    /** {@code n} scaled by texted/recipients, rounded half up: exact when nobody is held back. */
    private static long scale(long n, long texted, long recipients) {
        if (recipients == 0 || texted == recipients) {
            return texted == 0 ? 0 : n;
        }
        return BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(texted))
                .divide(BigDecimal.valueOf(recipients), 0, RoundingMode.HALF_UP).longValueExact();
    }

    private static String token(LaunchReview r) {
        String figures = r.programme() + "|" + r.asOf() + "|" + r.ruleVersion() + "|" + r.cohort() + "|" + r.arms()
                + "|" + r.waves() + "|" + r.cost() + "|" + r.leftOut() + "|" + r.name() + "|" + r.languages()
                + "|" + r.notApproved() + "|" + r.dailyCap() + "|" + r.lastTextOn() + "|" + staleFingerprint(r)
                + "|" + r.letters();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(figures.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Which imports are stale and from when, without the day count: an import made between the check and the launch
     * changes the token (the CCC checks again), the passing of midnight alone does not.
     */
    private static String staleFingerprint(LaunchReview r) {
        return r.staleImports().stream().map(s -> s.kind() + "@" + s.importedAt()).toList().toString();
    }

    private <T> T query(CohortSql sql, Reader<T> reader) {
        jdbc.prepareStatement(cohorts.sessionSetting(), java.sql.PreparedStatement::execute);
        return jdbc.prepareStatement(sql.sql(), ps -> {
            sql.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        });
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws java.sql.SQLException;
    }
}
