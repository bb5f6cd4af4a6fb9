package io.uptake.cohort;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a programme's cohort as one set-based statement over patient and event: a {@code candidate}
 * CTE (who the programme is about), then a {@code cohort} CTE adding every exclusion that applies, so a
 * patient excluded for several reasons carries them all. Events after {@code asOf} are ignored, so an
 * evaluation at a past date is reproducible.
 */
final class CohortQuery {
    /** Every exclusion reason, in the order the API and page show them. */
    static final List<String> REASONS = List.of("deceased", "opted-out", "no-mobile", "palliative",
            "already-diagnosed", "recently-texted", "declined");

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

        String candidate;
        String declined = "NULL";
        switch (programme.name()) {
            case "fit-non-returners" -> {
                v.put("returnTypes", programme.conversionEventTypes());
                v.put("issuedFrom", asOf.minusDays(rule.integer("issuedMaxDaysAgo")));
                v.put("issuedTo", asOf.minusDays(rule.integer("issuedMinDaysAgo")));
                v.put("adultBornOnOrBefore", asOf.minusYears(rule.integer("issuedMinAge")));
                v.put("noResponseFrom", asOf.minusDays(rule.integer("noResponseMaxDaysAgo")));
                v.put("noResponseBornAfter", asOf.minusYears(rule.integer("noResponseMaxAge") + 1L));
                v.put("noResponseBornOnOrBefore", asOf.minusYears(rule.integer("noResponseMinAge")));
                candidate = """
                        SELECT i.patient_id, CAST(NULL AS date) AS anchor
                        FROM event i JOIN patient p ON p.id = i.patient_id
                        WHERE i.event_type = 'FIT_KIT_ISSUED' AND i.event_date BETWEEN :issuedFrom AND :issuedTo
                          AND p.date_of_birth <= :adultBornOnOrBefore
                          AND NOT EXISTS (SELECT 1 FROM event r WHERE r.patient_id = i.patient_id
                                AND r.event_type = ANY(:returnTypes)
                                AND r.event_date >= i.event_date AND r.event_date <= :asOf)
                        UNION
                        SELECT n.patient_id, CAST(NULL AS date)
                        FROM event n JOIN patient p ON p.id = n.patient_id
                        WHERE n.event_type = 'BOWEL_SCREENING_NO_RESPONSE' AND n.event_date BETWEEN :noResponseFrom AND :asOf
                          AND p.date_of_birth > :noResponseBornAfter AND p.date_of_birth <= :noResponseBornOnOrBefore
                          AND NOT EXISTS (SELECT 1 FROM event r WHERE r.patient_id = n.patient_id
                                AND r.event_type = ANY(:returnTypes)
                                AND r.event_date >= n.event_date AND r.event_date <= :asOf)""";
            }
            case "breast-non-attenders" -> {
                v.put("dnaFrom", asOf.minusDays(rule.integer("dnaMaxDaysAgo")));
                v.put("bornAfter", asOf.minusYears(rule.integer("maxAgeExclusive")));
                v.put("bornOnOrBefore", asOf.minusYears(rule.integer("minAge")));
                // anchor = the latest qualifying DNA: a decline on or after it is an informed choice.
                candidate = """
                        SELECT d.patient_id, max(d.event_date) AS anchor
                        FROM event d JOIN patient p ON p.id = d.patient_id
                        WHERE d.event_type = 'BREAST_SCREENING_DNA' AND d.event_date BETWEEN :dnaFrom AND :asOf
                          AND p.sex = 'F' AND p.date_of_birth > :bornAfter AND p.date_of_birth <= :bornOnOrBefore
                          AND NOT EXISTS (SELECT 1 FROM event a WHERE a.patient_id = d.patient_id
                                AND a.event_type = 'BREAST_SCREENING_ATTENDED'
                                AND a.event_date >= d.event_date AND a.event_date <= :asOf)
                        GROUP BY d.patient_id""";
                declined = """
                        CASE WHEN EXISTS (SELECT 1 FROM event x WHERE x.patient_id = p.id
                              AND x.event_type = 'BREAST_SCREENING_DECLINED'
                              AND x.event_date >= c.anchor AND x.event_date <= :asOf) THEN 'declined' END""";
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
                candidate = """
                        SELECT p.id AS patient_id, CAST(NULL AS date) AS anchor
                        FROM patient p
                        WHERE p.sex = 'M' AND p.date_of_birth > :bornAfter AND p.date_of_birth <= :bornOnOrBefore
                          AND (p.ethnicity_group = ANY(:riskGroups)
                               OR EXISTS (SELECT 1 FROM event h WHERE h.patient_id = p.id
                                     AND h.event_type = ANY(:riskEvents) AND h.event_date <= :asOf)
                               OR (CAST(:includeAverageRisk AS boolean) AND p.date_of_birth <= :averageRiskBornOnOrBefore))
                          AND NOT EXISTS (SELECT 1 FROM event t WHERE t.patient_id = p.id
                                AND t.event_type = 'PSA_TEST' AND t.event_date BETWEEN :psaSince AND :asOf)""";
            }
            default -> throw new IllegalStateException("No rules are written for programme " + programme.name());
        }

        String sql = """
                WITH candidate AS (
                %s
                ),
                opted AS (SELECT patient_id FROM opted_out_patient),
                cohort AS (
                  SELECT p.id AS patient_id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.sex,
                         CAST(date_part('year', age(:asOf, p.date_of_birth)) AS int) AS age,
                         p.practice_code, pr.name AS practice_name, pr.phone AS practice_phone, pr.pcn_id,
                         p.language, p.mobile,
                         CASE WHEN p.language = ANY(:completeLanguages) THEN p.language ELSE 'en' END AS message_language,
                         array_remove(ARRAY[
                           CASE WHEN EXISTS (SELECT 1 FROM event x WHERE x.patient_id = p.id
                                 AND x.event_type = 'DECEASED' AND x.event_date <= :asOf) THEN 'deceased' END,
                           CASE WHEN p.id IN (SELECT patient_id FROM opted)
                                  OR EXISTS (SELECT 1 FROM event x WHERE x.patient_id = p.id
                                     AND x.event_type = 'SMS_OPT_OUT' AND x.event_date <= :asOf) THEN 'opted-out' END,
                           CASE WHEN p.mobile IS NULL THEN 'no-mobile' END,
                           CASE WHEN EXISTS (SELECT 1 FROM event x WHERE x.patient_id = p.id
                                 AND x.event_type = 'PALLIATIVE_CARE' AND x.event_date <= :asOf) THEN 'palliative' END,
                           CASE WHEN EXISTS (SELECT 1 FROM event x WHERE x.patient_id = p.id
                                 AND x.event_type = 'CANCER_DIAGNOSED' AND x.event_date <= :asOf
                                 AND lower(x.value) = ANY(:siteValues)) THEN 'already-diagnosed' END,
                           CASE WHEN EXISTS (SELECT 1 FROM message m JOIN campaign k ON k.id = m.campaign_id
                                 WHERE m.patient_id = p.id AND k.programme = :programme
                                   AND m.sent_at >= :textedSince AND m.sent_at < :textedUntil) THEN 'recently-texted' END,
                           %s
                         ], NULL) AS exclusions
                  FROM (SELECT patient_id, max(anchor) AS anchor FROM candidate GROUP BY patient_id) c
                  JOIN patient p ON p.id = c.patient_id
                  JOIN practice pr ON pr.code = p.practice_code
                  WHERE (CAST(:pcn AS bigint) IS NULL OR pr.pcn_id = CAST(:pcn AS bigint))
                )""".formatted(candidate, declined);
        return CohortSql.named(sql, v);
    }
}
