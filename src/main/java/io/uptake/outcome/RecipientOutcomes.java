package io.uptake.outcome;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Attribution and outcomes as one set-based query: for every recipient of the given campaigns, the
 * date they converted (the programme's first qualifying event on or after their index date and within
 * the campaign's attribution window, both ends inclusive), and what followed within the outcome window
 * after that test: an abnormal result (judged by the threshold in force at the test date for the age
 * at the test date), an urgent referral and its pathway, a cancer diagnosed (site) or ruled out.
 *
 * <p>Computed at query time from the event table, so an event imported at any later time changes every
 * report that reads it. Reports wrap {@link #BASE} in their own SELECT over the CTE {@code base}.
 *
 * <p>Every patient of the campaign is a row: its recipients (channel SMS) and, since issue 14, the patients reachable
 * only by post (channel LETTER, recipient_id null; view {@code campaign_post_only}), whose intervention arm is named
 * TEXTED like the recipients' so that every total is the whole campaign's.
 *
 * <p>Columns of {@code base}: unit_id (one per row), recipient_id, campaign_id, patient_id, nhs_number, arm, language,
 * channel (SMS or LETTER: how the patient could be reached), letters (that left), reached (a text delivered or a
 * letter that left), index_date,
 * sex, ethnicity_group, imd_quintile (1-5 or null), practice_code, age (years at the index date), texts,
 * delivered, failed, segments, statuses, clicked (opened a tracked booking link), opted_out, converted_on, days_to_convert, abnormal (null when the
 * result cannot be judged), referred_on, pathway, diagnosed_on, cancer_site, ruled_out_on, days_to_outcome.
 */
@Singleton
public class RecipientOutcomes {
    /** Parameters 1-5: campaign ids (bigint[]), time zone id, outcome window in days, and the two rule sets. */
    public static final int PARAMETERS = 5;

    public static final String BASE = """
            WITH params AS (
                SELECT CAST(? AS BIGINT[]) AS ids, CAST(? AS TEXT) AS zone, CAST(? AS INT) AS window_days,
                       CAST(? AS JSONB) AS qualifying, CAST(? AS JSONB) AS thresholds
            ),
            qualifying_event AS MATERIALIZED (
                SELECT q.* FROM params, jsonb_to_recordset(params.qualifying) AS q(programme TEXT, event_type TEXT)
            ),
            threshold AS MATERIALIZED (
                SELECT t.* FROM params, jsonb_to_recordset(params.thresholds)
                    AS t(programme TEXT, event_type TEXT, age_from INT, age_to INT, comparison TEXT,
                         threshold NUMERIC, effective_from DATE)
            ),
            -- The recipients, found through recipient's (campaign_id, patient_id) key: the ids are an InitPlan
            -- parameter, which an index scan can use (a join to the params CTE could only scan every recipient).
            -- Without patient columns: those are joined in base, by primary key, only where they are read.
            -- unit_id keys a patient of a campaign: the recipient's id, or for a patient reachable only by post
            -- (issue 14: view campaign_post_only, never a recipient) minus their first letter's id.
            rcp AS MATERIALIZED (
                SELECT r.id AS unit_id, r.id AS recipient_id, r.campaign_id, r.patient_id, r.arm, r.language,
                       'SMS' AS channel,
                       -- a texted recipient never reached is measured, like control, from the campaign start
                       conversion_index_date(r.index_date, c.start_at, params.zone) AS index_date,
                       c.attribution_days, c.programme, params.zone, params.window_days
                FROM params
                JOIN recipient r ON r.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[]))
                JOIN campaign c ON c.id = r.campaign_id
                UNION ALL
                -- Written to, not texted: measured from the campaign start, as the letters' stops are (LetterStops),
                -- since a printed letter's day of posting is the practice's, not ours.
                SELECT -po.first_letter_id, CAST(NULL AS BIGINT), po.campaign_id, po.patient_id, po.arm, po.language,
                       'LETTER',
                       conversion_index_date(CAST(NULL AS DATE), c.start_at, params.zone),
                       c.attribution_days, c.programme, params.zone, params.window_days
                FROM params
                JOIN campaign_post_only po ON po.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[]))
                JOIN campaign c ON c.id = po.campaign_id
            ),
            span AS (
                SELECT min(index_date) AS lo, max(index_date + attribution_days + window_days) AS hi FROM rcp
            ),
            -- Every event that can matter, found by type and date range on event_type_date_covering_idx: one
            -- index-only range scan per event type instead of one probe per recipient. Only the types of the
            -- programmes reported on: a FIT report need not read every PSA test and mammogram in the span.
            cand AS MATERIALIZED (
                SELECT e.patient_id, e.event_type, e.event_date, e.value, e.value_num
                FROM span, event e
                WHERE e.event_type = ANY (ARRAY(
                          SELECT q.event_type FROM qualifying_event q
                          WHERE q.programme IN (SELECT c.programme FROM params, campaign c WHERE c.id = ANY (params.ids))
                          UNION SELECT t.event_type FROM threshold t
                          WHERE t.programme IN (SELECT c.programme FROM params, campaign c WHERE c.id = ANY (params.ids))
                          UNION VALUES ('URGENT_REFERRAL'), ('CANCER_DIAGNOSED'), ('CANCER_RULED_OUT')))
                  AND e.event_date BETWEEN span.lo AND span.hi
            ),
            -- Each recipient's events from their index date, with the conversion date (first qualifying event
            -- within the attribution window) computed over the recipient's rows without a join back. The index
            -- date and the window are the one conversion rule's (V120), which the campaign counts and the
            -- send-time checks use too; both functions are inlined, so the plan is as if written out here.
            hits AS MATERIALIZED (
                SELECT rcp.unit_id, rcp.programme, rcp.window_days,
                       -- the age at the test date decides the threshold: looked up for these few rows only
                       (SELECT p.date_of_birth FROM patient p WHERE p.id = rcp.patient_id) AS date_of_birth,
                       cand.event_type, cand.event_date, cand.value, cand.value_num,
                       min(cand.event_date) FILTER (WHERE q.event_type IS NOT NULL
                                                    AND within_attribution_window(cand.event_date, rcp.index_date,
                                                                                  rcp.attribution_days))
                           OVER (PARTITION BY rcp.unit_id) AS converted_on
                FROM rcp
                JOIN cand ON cand.patient_id = rcp.patient_id AND cand.event_date >= rcp.index_date
                LEFT JOIN qualifying_event q ON q.programme = rcp.programme AND q.event_type = cand.event_type
            ),
            outc AS (
                SELECT h.unit_id,
                       min(h.converted_on) AS converted_on,
                       bool_or(judged.abnormal) AS abnormal,
                       min(h.event_date) FILTER (WHERE h.event_type = 'URGENT_REFERRAL') AS referred_on,
                       (array_agg(h.value ORDER BY h.event_date) FILTER (WHERE h.event_type = 'URGENT_REFERRAL'))[1] AS pathway,
                       min(h.event_date) FILTER (WHERE h.event_type = 'CANCER_DIAGNOSED') AS diagnosed_on,
                       (array_agg(h.value ORDER BY h.event_date) FILTER (WHERE h.event_type = 'CANCER_DIAGNOSED'))[1] AS cancer_site,
                       min(h.event_date) FILTER (WHERE h.event_type = 'CANCER_RULED_OUT') AS ruled_out_on
                FROM hits h
                LEFT JOIN LATERAL (
                    SELECT CASE WHEN t.threshold IS NULL OR h.value_num IS NULL THEN NULL
                                WHEN t.comparison = '>=' THEN h.value_num >= t.threshold
                                ELSE h.value_num > t.threshold END AS abnormal
                    FROM threshold t
                    WHERE t.programme = h.programme AND t.event_type = h.event_type
                      AND t.effective_from <= h.event_date
                      AND t.age_from <= extract(YEAR FROM age(h.event_date, h.date_of_birth))
                      AND (t.age_to IS NULL OR extract(YEAR FROM age(h.event_date, h.date_of_birth)) < t.age_to)
                    ORDER BY t.effective_from DESC
                    LIMIT 1
                ) judged ON TRUE
                WHERE h.converted_on IS NOT NULL
                  AND h.event_date BETWEEN h.converted_on AND h.converted_on + h.window_days
                GROUP BY h.unit_id
            ),
            msg AS (
                SELECT m.recipient_id,
                       count(*) FILTER (WHERE m.sent_at IS NOT NULL) AS texts,
                       bool_or(m.status = 'DELIVERED') AS delivered,
                       bool_or(m.status IN ('FAILED', 'UNDELIVERED')) AS failed,
                       sum(m.segments) FILTER (WHERE m.sent_at IS NOT NULL) AS segments,
                       string_agg(m.wave || ':' || m.status, ' ' ORDER BY m.wave) AS statuses,
                       bool_or(bl.first_clicked_at IS NOT NULL) AS clicked
                FROM message m
                LEFT JOIN booking_link bl ON bl.message_id = m.id
                WHERE m.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[]))
                GROUP BY m.recipient_id
            ),
            -- Letters that left (printed for the practice to post, or posted by Notify), per patient: a letter reaches
            -- a texted recipient too (a LETTER wave, or in place of a text that failed).
            ltr AS (
                SELECT l.campaign_id, l.patient_id,
                       count(*) FILTER (WHERE l.status IN ('PRINTED', 'SENT', 'DELIVERED')) AS letters
                FROM letter l
                WHERE l.campaign_id = ANY (CAST((SELECT ids FROM params) AS BIGINT[]))
                GROUP BY l.campaign_id, l.patient_id
            ),
            -- The opt-out rule from its one place, view opted_out_patient (V80), for these recipients only: the
            -- ids array reaches both of its branches (patient-level entries by patient, the mobile's number-level
            -- entries through the patient's primary key and patient_mobile_idx). A patient may have a row of each
            -- level; the latest opt-out in force is the one the report dates.
            opted AS MATERIALIZED (
                SELECT o.patient_id, max(o.at) AS at FROM opted_out_patient o
                WHERE o.patient_id = ANY (ARRAY(SELECT rcp_opted.patient_id FROM rcp rcp_opted))
                GROUP BY o.patient_id
            ),
            base AS (
                SELECT rcp.unit_id, rcp.recipient_id, rcp.campaign_id, rcp.patient_id, p.nhs_number, rcp.arm,
                       rcp.language, rcp.channel, rcp.index_date, p.sex, p.ethnicity_group,
                       (p.imd_decile + 1) / 2 AS imd_quintile,
                       p.practice_code,
                       CAST(extract(YEAR FROM age(rcp.index_date, p.date_of_birth)) AS INT) AS age,
                       COALESCE(msg.texts, 0) AS texts,
                       COALESCE(msg.delivered, FALSE) AS delivered,
                       COALESCE(msg.failed, FALSE) AND NOT COALESCE(msg.delivered, FALSE) AS failed,
                       COALESCE(msg.segments, 0) AS segments,
                       msg.statuses,
                       COALESCE(msg.clicked, FALSE) AS clicked,
                       COALESCE(ltr.letters, 0) AS letters,
                       COALESCE(msg.delivered, FALSE) OR COALESCE(ltr.letters, 0) > 0 AS reached,
                       COALESCE(opted.at >= timezone(rcp.zone, CAST(rcp.index_date AS TIMESTAMP)), FALSE) AS opted_out,
                       outc.converted_on,
                       outc.converted_on - rcp.index_date AS days_to_convert,
                       outc.abnormal, outc.referred_on, outc.pathway, outc.diagnosed_on, outc.cancer_site,
                       CASE WHEN outc.diagnosed_on IS NULL THEN outc.ruled_out_on END AS ruled_out_on,
                       CASE WHEN outc.referred_on IS NOT NULL
                                 AND COALESCE(outc.diagnosed_on, outc.ruled_out_on) >= outc.referred_on
                            THEN COALESCE(outc.diagnosed_on, outc.ruled_out_on) - outc.referred_on END AS days_to_outcome
                FROM rcp
                -- Every recipient has its patient (foreign key), so LEFT JOIN is an inner join here; written
                -- LEFT so that a query reading no patient column (the overview) drops the join altogether. The
                -- ids array lets the patients be read by primary key instead of scanning all of them.
                LEFT JOIN patient p ON p.id = rcp.patient_id
                                   AND p.id = ANY (ARRAY(SELECT rcp_ids.patient_id FROM rcp rcp_ids))
                LEFT JOIN msg ON msg.recipient_id = rcp.recipient_id
                LEFT JOIN outc ON outc.unit_id = rcp.unit_id
                LEFT JOIN ltr ON ltr.campaign_id = rcp.campaign_id AND ltr.patient_id = rcp.patient_id
                LEFT JOIN opted ON opted.patient_id = rcp.patient_id
            )
            """;

    private final String zone;
    private final int windowDays;
    private final OutcomeRules rules;

    public RecipientOutcomes(Clock clock, @Value("${uptake.report.outcome-window-days:90}") int windowDays,
                             OutcomeRules rules) {
        this.zone = clock.getZone().getId();
        this.windowDays = windowDays;
        this.rules = rules;
    }

    /** The outcome window after the qualifying test, in days. */
    public int windowDays() {
        return windowDays;
    }

    /** {@link #BASE} followed by the caller's SELECT over {@code base}. */
    public String sql(String select) {
        return BASE + select;
    }

    /**
     * Binds the first {@link #PARAMETERS} parameters of {@link #sql}; the caller's own follow. Inside a
     * transaction it also gives that transaction enough memory for the report's hash tables and sorts (at the
     * default 4MB the per-recipient joins and the breakdowns spilled to disk). Nested loops are no longer
     * turned off: the recipients, their messages and their patients are read through indexes (InitPlan
     * parameters), and the joins between the CTEs hash or merge on the plans checked (BENCHMARKS.md).
     */
    public void bind(PreparedStatement ps, long... campaignIds) throws SQLException {
        if (!ps.getConnection().getAutoCommit()) {
            try (var st = ps.getConnection().createStatement()) {
                st.execute("SET LOCAL work_mem = '64MB'");
                st.execute("SET LOCAL hash_mem_multiplier = 4");
            }
        }
        Long[] ids = new Long[campaignIds.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = campaignIds[i];
        }
        ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids));
        ps.setString(2, zone);
        ps.setInt(3, windowDays);
        ps.setString(4, rules.qualifyingJson());
        ps.setString(5, rules.thresholdsJson());
    }
}
