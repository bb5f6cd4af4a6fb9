-- The call list takes the patients a campaign wrote to (reachable only by post, the letters' arm LETTER, never its
-- control arm) as well as the texted arm's recipients (issue 14). Those are no recipient: their task has none, and
-- invited_by says how the campaign invited the patient before the call (SMS: a recipient, whose replies the
-- worklist shows; LETTER: a patient written to, whose letters it shows). The task's key stays
-- UNIQUE (campaign_id, patient_id, wave), so each is still made once, whichever instance lists the wave.
ALTER TABLE call_task ALTER COLUMN recipient_id DROP NOT NULL;
ALTER TABLE call_task ADD COLUMN invited_by TEXT NOT NULL DEFAULT 'SMS' CHECK (invited_by IN ('SMS', 'LETTER'));
ALTER TABLE call_task ADD CONSTRAINT call_task_recipient_when_texted CHECK ((recipient_id IS NOT NULL) = (invited_by = 'SMS'));
-- call_task.phone keeps its meaning for a recipient (the number texted); for a patient written to it is their
-- telephone, else their mobile, as the record had it when the list was made.
