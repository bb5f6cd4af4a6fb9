-- The entries made before V80, stated again under its rule (docs/replies.md, "Entries made before the rule").
-- The ledger is append-only: entries are added, none is changed. Each statement adds only what is missing, so
-- running this file again adds nothing (OptOutLevelsBackfillTest runs it on rows shaped like old ones).

-- 1. A STOP from a number only that patient could be (one candidate when it came in, as inbound_message recorded
--    it) was the patient's own objection: it is also a patient-level opt-out, dated when the STOP came. Without
--    this, such an opt-out would stop following the patient to a new mobile, which it did under the old rule.
--    A STOP whose inbound message cannot be found is taken as the matched patient's own: the safe side.
--    (STARTs stay number-level, as new ones are: a patient who texted STOP then START from their own number is
--    opted out again until a CCC records their opt-in. The safe side too; docs/replies.md lists them.)
INSERT INTO opt_out_ledger (at, patient_id, phone, action, source, reference, recorded_by)
SELECT l.at, l.patient_id, NULL, 'OPT_OUT', 'REPLY', l.reference, 'V81: STOP from an unshared number'
FROM opt_out_ledger l
LEFT JOIN inbound_message im ON im.message_sid = l.reference
WHERE l.level = 'NUMBER' AND l.source = 'REPLY' AND l.action = 'OPT_OUT' AND l.patient_id IS NOT NULL
  AND COALESCE(im.candidate_patients, 1) <= 1
  AND NOT EXISTS (SELECT 1 FROM opt_out_ledger done
                  WHERE done.level = 'PATIENT' AND done.source = 'REPLY' AND done.patient_id = l.patient_id
                    AND done.reference IS NOT DISTINCT FROM l.reference AND done.at = l.at);

-- 2. An SMS_OPT_OUT event is a dissent recorded in the GP system. Every import enters it in the ledger; one
--    without its entry (none is expected) gets it now, so that cohorts can read the ledger alone. Dated at the
--    start of the event's day in London, as the import dates it.
INSERT INTO opt_out_ledger (at, patient_id, action, source, reference, recorded_by)
SELECT CAST(e.event_date AS TIMESTAMP) AT TIME ZONE 'Europe/London', e.patient_id, 'OPT_OUT', 'IMPORTED',
       'event:' || e.id, 'V81: SMS_OPT_OUT event'
FROM event e
WHERE e.event_type = 'SMS_OPT_OUT'
  AND NOT EXISTS (SELECT 1 FROM opt_out_ledger l WHERE l.source = 'IMPORTED' AND l.reference = 'event:' || e.id);
