-- Attribution and outcome reports read every outcome-type event (qualifying tests, referrals, diagnoses) in a
-- date range, with its patient, value (pathway, cancer site) and numeric result. event_type_date_idx lacked
-- `value`, so each of those rows cost a random heap fetch (the bulk of a 100,000-recipient report's time);
-- with `value` included the scan is index-only. Not partial: the report's event types are configuration bound
-- at run time, which the planner cannot match to a partial index predicate.
CREATE INDEX event_type_date_covering_idx ON event (event_type, event_date) INCLUDE (patient_id, value, value_num);
