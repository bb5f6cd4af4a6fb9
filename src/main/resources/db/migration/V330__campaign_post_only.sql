-- The patients of a campaign reachable only by post (issue 14): in the cohort with no usable mobile, so never a
-- recipient, and written to by at least one wave (an AUTO or LETTER wave; a campaign of SMS waves only writes their
-- rows as EXCLUDED, and must not count its held-back letters as a control arm with no one to compare them to).
-- Their arm is the letters' (LETTER is the report's intervention arm, named TEXTED there; CONTROL held back). A
-- patient whose every row is EXCLUDED (no address) was left out at launch, as a patient with no mobile and no
-- address always was. One definition, read by the report's base (RecipientOutcomes) and the campaign's counts, so
-- the two agree. Grouped by (campaign_id, patient_id): a filter on campaign_id is pushed below the grouping.
CREATE VIEW campaign_post_only AS
SELECT l.campaign_id, l.patient_id, min(l.id) AS first_letter_id,
       CASE WHEN bool_or(l.arm = 'CONTROL') THEN 'CONTROL' ELSE 'TEXTED' END AS arm,
       min(l.language) AS language
FROM letter l
WHERE NOT EXISTS (SELECT 1 FROM recipient r WHERE r.campaign_id = l.campaign_id AND r.patient_id = l.patient_id)
  AND EXISTS (SELECT 1 FROM campaign_wave w WHERE w.campaign_id = l.campaign_id AND w.channel IN ('AUTO', 'LETTER'))
GROUP BY l.campaign_id, l.patient_id
HAVING bool_or(l.status <> 'EXCLUDED');
