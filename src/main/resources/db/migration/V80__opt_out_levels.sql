-- Opt-outs have a level (issue 10, item 6: a family member cannot undo a patient's objection). The rule, its
-- truth table and why: docs/replies.md; the same rule as pure Java: io.uptake.optout.OptOutRule.
--
-- A PATIENT-level entry is about one patient, on whatever number they have now or later: a CCC's record (phone,
-- letter), an imported dissent, or a STOP from a number that only that patient could be. It has no number.
-- A NUMBER-level entry is about the handset it came from, whoever is on it: every STOP and START, Twilio's 21610.
-- It has the number (and, for the record only, the patient we matched).
-- Within a level the latest entry decides; no entry of one level undoes an entry of the other. So a START from a
-- family mobile reverses that mobile's STOP, never a patient's own objection.
--
-- The level follows from the entry's shape, which every writer already had (CCC and imported entries never carried
-- a number; replies and 21610 always did), so it is generated: no row of this append-only table is rewritten.
ALTER TABLE opt_out_ledger
    ADD COLUMN level TEXT GENERATED ALWAYS AS (CASE WHEN phone IS NULL THEN 'PATIENT' ELSE 'NUMBER' END) STORED;

-- CCC: recorded by a CCC through POST /api/patients/{nhsNumber}/opt-out|opt-in (phone call, letter; the reason
-- says which). CCC_PHONE stays what the inbox records ("taken by phone").
ALTER TABLE opt_out_ledger DROP CONSTRAINT opt_out_ledger_source_check;
ALTER TABLE opt_out_ledger ADD CONSTRAINT opt_out_ledger_source_check
    CHECK (source IN ('REPLY', 'TWILIO_21610', 'IMPORTED', 'CCC_PHONE', 'CCC'));

-- Which sources may write which level. A reply writes the number's entry and, from an unshared number, the
-- patient's; 21610 is the carrier's block of a number; CCCs and imports speak for a patient only.
ALTER TABLE opt_out_ledger ADD CONSTRAINT opt_out_ledger_level_source CHECK (
    (phone IS NULL AND patient_id IS NOT NULL AND source IN ('CCC', 'CCC_PHONE', 'IMPORTED', 'REPLY'))
    OR (phone IS NOT NULL AND source IN ('REPLY', 'TWILIO_21610')));
-- The rule's core, kept by the database too: only a CCC reverses a patient-level opt-out.
ALTER TABLE opt_out_ledger ADD CONSTRAINT opt_out_ledger_patient_opt_in_by_ccc
    CHECK (phone IS NOT NULL OR action = 'OPT_OUT' OR source IN ('CCC', 'CCC_PHONE'));
-- Imports and 21610 only ever take a patient or a number out.
ALTER TABLE opt_out_ledger ADD CONSTRAINT opt_out_ledger_opt_out_only_sources
    CHECK (action = 'OPT_OUT' OR source NOT IN ('IMPORTED', 'TWILIO_21610'));

-- "Is there a later entry of the same level for the same patient / number?", by index.
CREATE INDEX opt_out_ledger_patient_level_idx ON opt_out_ledger (patient_id, at, id) WHERE level = 'PATIENT';
CREATE INDEX opt_out_ledger_number_level_idx ON opt_out_ledger (phone, at, id) WHERE level = 'NUMBER';

-- Numbers not to be texted: the latest number-level entry for the number is an opt-out. Whoever has the number.
CREATE VIEW opted_out_number AS
SELECT l.phone, l.at, l.source
FROM opt_out_ledger l
WHERE l.level = 'NUMBER' AND l.action = 'OPT_OUT'
  AND NOT EXISTS (SELECT 1 FROM opt_out_ledger later
                  WHERE later.level = 'NUMBER' AND later.phone = l.phone AND (later.at, later.id) > (l.at, l.id));

-- Patients not to be texted: their latest patient-level entry is an opt-out, or the mobile on their record now is
-- an opted-out number. A patient may have a row of each level; read it with EXISTS or DISTINCT. The one place
-- every reader takes the rule from: cohorts, the dispatcher's check before each send (with opted_out_number for
-- the number it texts), the inbox, campaign counts and reports, OptOutLedger.isOptedOut.
CREATE OR REPLACE VIEW opted_out_patient AS
SELECT l.patient_id, l.at, l.source, l.level
FROM opt_out_ledger l
WHERE l.level = 'PATIENT' AND l.action = 'OPT_OUT'
  AND NOT EXISTS (SELECT 1 FROM opt_out_ledger later
                  WHERE later.level = 'PATIENT' AND later.patient_id = l.patient_id
                    AND (later.at, later.id) > (l.at, l.id))
UNION ALL
SELECT p.id, n.at, n.source, CAST('NUMBER' AS TEXT)
FROM opted_out_number n
JOIN patient p ON p.mobile = n.phone;
