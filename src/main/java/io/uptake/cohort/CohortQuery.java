package io.uptake.cohort;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a programme's cohort as one set-based statement over patient and event: a {@code candidate}
 * CTE (who the programme is about, one row per patient), then a {@code cohort} CTE adding every exclusion that applies, so a
 * patient excluded for several reasons carries them all. Events after {@code asOf} are ignored, so an
 * evaluation at a past date is reproducible.
 */
final class CohortQuery {
    /** Every exclusion reason, in the order the API and page show them. */
    static final List<String> REASONS = List.of("deceased", "opted-out", "no-mobile", "palliative",
            "already-diagnosed", "recently-texted", "control-arm", "declined");

    private CohortQuery() {
    }

    /**
     * @param pcnScope the caller's PCN, or null for all (ADMIN)
     * @param completeLanguages languages with a complete translation of this programme's messages;
     *                          anyone else's message language is English
     */
    static CohortSql build(Programme programme, RuleVersion rule, LocalDate asOf, Long pcnScope,
                           List<String> completeLanguages, ZoneId zone) {
        Map<String, Object> v = new HashMap<>();
        v.put("asOf", asOf);
        v.put("pcn", pcnScope);
        v.put("programme", programme.name());
        v.put("siteValues", programme.cancerSiteValues().stream().map(String::toLowerCase).toList());
        v.put("completeLanguages", completeLanguages);
        // "Texted in the last N days" counts whole London days: from the start of asOf - N to the end of asOf.
        int textedDays = rule.integer("recentlyTextedDays");
        v.put("textedSince", asOf.minusDays(textedDays).atStartOfDay(zone).toInstant());
        v.put("textedUntil", asOf.plusDays(1).atStartOfDay(zone).toInstant());

        // Every event lookup below is a scan of one event type over a date range (the event_type_date_covering_idx
        // index, which carries patient_id) aggregated per patient and hash-joined: no per-patient probes,
        // which on 10M events cost a random page read per candidate.
        String ctes;
        switch (programme.name()) {
            case "fit-non-returners" -> {
                v.put("returnTypes", programme.conversionEventTypes());
                LocalDate issuedFrom = asOf.minusDays(rule.integer("issuedMaxDaysAgo"));
                LocalDate noResponseFrom = asOf.minusDays(rule.integer("noResponseMaxDaysAgo"));
                v.put("issuedFrom", issuedFrom);
                v.put("issuedTo", asOf.minusDays(rule.integer("issuedMinDaysAgo")));
                v.put("adultBornOnOrBefore", asOf.minusYears(rule.integer("issuedMinAge")));
                v.put("noResponseFrom", noResponseFrom);
                v.put("noResponseBornAfter", asOf.minusYears(rule.integer("noResponseMaxAge") + 1L));
                v.put("noResponseBornOnOrBefore", asOf.minusYears(rule.integer("noResponseMinAge")));
                v.put("returnsFrom", issuedFrom.isBefore(noResponseFrom) ? issuedFrom : noResponseFrom);
                // A kit or a no-response counts unless a return or result is dated on or after it (up to asOf):
                // comparing with the patient's latest return in the window says exactly that.
                ctes = """
                        returned AS (
                          SELECT patient_id, max(event_date) AS last_date FROM event
                          WHERE event_type = ANY(:returnTypes) AND event_date BETWEEN :returnsFrom AND :asOf
                          GROUP BY patient_id
                        ),
                        candidate AS (
                          SELECT i.patient_id, CAST(NULL AS boolean) AS declined
                          FROM event i JOIN patient p ON p.id = i.patient_id
                          LEFT JOIN returned r ON r.patient_id = i.patient_id
                          WHERE i.event_type = 'FIT_KIT_ISSUED' AND i.event_date BETWEEN :issuedFrom AND :issuedTo
                            AND p.date_of_birth <= :adultBornOnOrBefore
                            AND (r.last_date IS NULL OR r.last_date < i.event_date)
                          UNION
                          SELECT n.patient_id, CAST(NULL AS boolean)
                          FROM event n JOIN patient p ON p.id = n.patient_id
                          LEFT JOIN returned r ON r.patient_id = n.patient_id
                          WHERE n.event_type = 'BOWEL_SCREENING_NO_RESPONSE' AND n.event_date BETWEEN :noResponseFrom AND :asOf
                            AND p.date_of_birth > :noResponseBornAfter AND p.date_of_birth <= :noResponseBornOnOrBefore
                            AND (r.last_date IS NULL OR r.last_date < n.event_date)
                        )""";
            }
            case "breast-non-attenders" -> {
                v.put("dnaFrom", asOf.minusDays(rule.integer("dnaMaxDaysAgo")));
                v.put("bornAfter", asOf.minusYears(rule.integer("maxAgeExclusive")));
                v.put("bornOnOrBefore", asOf.minusYears(rule.integer("minAge")));
                // The anchor is the latest DNA with no attendance on or after it; a decline on or after the
                // anchor is an informed choice.
                ctes = """
                        attended AS (
                          SELECT patient_id, max(event_date) AS last_date FROM event
                          WHERE event_type = 'BREAST_SCREENING_ATTENDED' AND event_date BETWEEN :dnaFrom AND :asOf
                          GROUP BY patient_id
                        ),
                        declined AS (
                          SELECT patient_id, max(event_date) AS last_date FROM event
                          WHERE event_type = 'BREAST_SCREENING_DECLINED' AND event_date BETWEEN :dnaFrom AND :asOf
                          GROUP BY patient_id
                        ),
                        dna AS (
                          SELECT d.patient_id, max(d.event_date) AS anchor
                          FROM event d JOIN patient p ON p.id = d.patient_id
                          LEFT JOIN attended a ON a.patient_id = d.patient_id
                          WHERE d.event_type = 'BREAST_SCREENING_DNA' AND d.event_date BETWEEN :dnaFrom AND :asOf
                            AND p.sex = 'F' AND p.date_of_birth > :bornAfter AND p.date_of_birth <= :bornOnOrBefore
                            AND (a.last_date IS NULL OR a.last_date < d.event_date)
                          GROUP BY d.patient_id
                        ),
                        candidate AS (
                          SELECT dna.patient_id, coalesce(dc.last_date >= dna.anchor, false) AS declined
                          FROM dna LEFT JOIN declined dc ON dc.patient_id = dna.patient_id
                        )""";
            }
            case "psa-eligible" -> {
                v.put("bornAfter", asOf.minusYears(rule.integer("maxAge") + 1L));
                v.put("bornOnOrBefore", asOf.minusYears(rule.integer("minAge")));
                v.put("riskGroups", rule.strings("higherRiskEthnicityGroups"));
                v.put("riskEvents", rule.strings("higherRiskEventTypes"));
                v.put("includeAverageRisk", rule.flag("includeAverageRisk"));
                v.put("averageRiskBornOnOrBefore", asOf.minusYears(rule.integer("averageRiskMinAge")));
                // "No PSA test in the 24 months up to asOf": a test on asOf minus 24 months still counts.
                v.put("psaSince", asOf.minusMonths(rule.integer("psaLookBackMonths")));
                ctes = """
                        at_risk AS (
                          SELECT DISTINCT patient_id FROM event
                          WHERE event_type = ANY(:riskEvents) AND event_date <= :asOf
                        ),
                        tested AS (
                          SELECT DISTINCT patient_id FROM event
                          WHERE event_type = 'PSA_TEST' AND event_date BETWEEN :psaSince AND :asOf
                        ),
                        candidate AS (
                          SELECT p.id AS patient_id, CAST(NULL AS boolean) AS declined
                          FROM patient p
                          LEFT JOIN at_risk k ON k.patient_id = p.id
                          LEFT JOIN tested t ON t.patient_id = p.id
                          WHERE p.sex = 'M' AND p.date_of_birth > :bornAfter AND p.date_of_birth <= :bornOnOrBefore
                            AND t.patient_id IS NULL
                            AND (p.ethnicity_group = ANY(:riskGroups) OR k.patient_id IS NOT NULL
                                 OR (CAST(:includeAverageRisk AS boolean) AND p.date_of_birth <= :averageRiskBornOnOrBefore))
                        )""";
            }
            default -> throw new IllegalStateException("No rules are written for programme " + programme.name());
        }

        String sql = """
                WITH %s,
                flags AS (
                  SELECT patient_id,
                         bool_or(event_type = 'DECEASED') AS deceased,
                         bool_or(event_type = 'PALLIATIVE_CARE') AS palliative,
                         bool_or(event_type = 'CANCER_DIAGNOSED') AS diagnosed
                  FROM event
                  WHERE event_type IN ('DECEASED', 'PALLIATIVE_CARE', 'CANCER_DIAGNOSED')
                    AND event_date <= :asOf
                    AND (event_type <> 'CANCER_DIAGNOSED' OR lower(value) = ANY(:siteValues))
                  GROUP BY patient_id
                ),
                -- The opt-out rule, from its one place (V80). An imported SMS_OPT_OUT event is in the ledger (the
                -- import enters it), so that a CCC's recorded opt-in can undo it here as everywhere else.
                opted AS (SELECT DISTINCT patient_id FROM opted_out_patient),
                texted AS (
                  SELECT DISTINCT m.patient_id FROM message m
                  WHERE m.campaign_id IN (SELECT id FROM campaign WHERE programme = :programme)
                    AND m.sent_at >= :textedSince AND m.sent_at < :textedUntil
                ),
                -- Held back in another campaign of this programme whose attribution window is still open on asOf
                  -- (index_date + attribution_days, inclusive, as the uptake counts measure it): texting them would
                  -- spoil that campaign's comparison. A campaign cancelled before it sent anything measures nothing.
                held_back AS (
                  SELECT DISTINCT r.patient_id FROM recipient r JOIN campaign hc ON hc.id = r.campaign_id
                  WHERE hc.programme = :programme AND r.arm = 'CONTROL'
                    AND r.index_date + hc.attribution_days >= :asOf
                    AND (hc.status <> 'CANCELLED'
                         OR EXISTS (SELECT 1 FROM message sm WHERE sm.campaign_id = hc.id AND sm.sent_at IS NOT NULL))
                ),
                cohort AS (
                  SELECT p.id AS patient_id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.sex,
                         CAST(date_part('year', age(:asOf, p.date_of_birth)) AS int) AS age,
                         p.practice_code, pr.name AS practice_name, pr.phone AS practice_phone, pr.pcn_id,
                         p.language, p.mobile,
                         CASE WHEN p.language = ANY(:completeLanguages) THEN p.language ELSE 'en' END AS message_language,
                         array_remove(ARRAY[
                           CASE WHEN f.deceased THEN 'deceased' END,
                           CASE WHEN o.patient_id IS NOT NULL THEN 'opted-out' END,
                           CASE WHEN p.mobile IS NULL THEN 'no-mobile' END,
                           CASE WHEN f.palliative THEN 'palliative' END,
                           CASE WHEN f.diagnosed THEN 'already-diagnosed' END,
                           CASE WHEN t.patient_id IS NOT NULL THEN 'recently-texted' END,
                           CASE WHEN h.patient_id IS NOT NULL THEN 'control-arm' END,
                           CASE WHEN c.declined THEN 'declined' END
                         ], NULL) AS exclusions
                  FROM candidate c
                  JOIN patient p ON p.id = c.patient_id
                  JOIN practice pr ON pr.code = p.practice_code
                  LEFT JOIN flags f ON f.patient_id = p.id
                  LEFT JOIN opted o ON o.patient_id = p.id
                  LEFT JOIN texted t ON t.patient_id = p.id
                  LEFT JOIN held_back h ON h.patient_id = p.id
                  WHERE (CAST(:pcn AS bigint) IS NULL OR pr.pcn_id = CAST(:pcn AS bigint))
                )""".formatted(ctes);
        return CohortSql.named(sql, v);
    }
}
