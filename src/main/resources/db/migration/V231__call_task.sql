-- The call list (issue 14): when a CALL wave falls due, each recipient of the texted arm who has not converted,
-- is not opted out and is not deceased becomes one task in their PCN's worklist. UNIQUE (campaign_id,
-- patient_id, wave), as for texts and letters: a wave's call task exists once, whatever restarts, retries or
-- instances do.
CREATE TABLE call_task (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaign (id),
    recipient_id BIGINT NOT NULL REFERENCES recipient (id),
    patient_id   BIGINT NOT NULL REFERENCES patient (id),
    wave         SMALLINT NOT NULL,
    pcn_id       BIGINT NOT NULL REFERENCES pcn (id),
    phone        TEXT NOT NULL,          -- E.164, the number the campaign texted
    language     TEXT NOT NULL,
    index_date   DATE,                   -- the recipient's, when the list was made: oldest are called first
    due_on       DATE NOT NULL,          -- the working day the task is for (uptake.calls.per-day spreads them)
    status       TEXT NOT NULL CHECK (status IN ('OPEN', 'DONE')),
    outcome      TEXT CHECK (outcome IN ('BOOKED', 'DECLINED', 'NO_ANSWER', 'WRONG_NUMBER', 'ALREADY_SCREENED')),
    tries        INT NOT NULL DEFAULT 0, -- calls made, answered or not
    note         TEXT,
    last_try_at  TIMESTAMPTZ,
    last_try_by  TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, patient_id, wave),
    -- Only a final outcome closes a task; no answer leaves it open for another try.
    CHECK ((status = 'DONE') = (outcome IS NOT NULL AND outcome <> 'NO_ANSWER'))
);
CREATE INDEX call_task_pcn_due_idx ON call_task (pcn_id, due_on) WHERE status = 'OPEN';
CREATE INDEX call_task_patient_idx ON call_task (patient_id);

-- Every try, append-only: the task holds the latest.
CREATE TABLE call_attempt (
    id       BIGSERIAL PRIMARY KEY,
    task_id  BIGINT NOT NULL REFERENCES call_task (id),
    outcome  TEXT NOT NULL CHECK (outcome IN ('BOOKED', 'DECLINED', 'NO_ANSWER', 'WRONG_NUMBER', 'ALREADY_SCREENED')),
    note     TEXT,
    at       TIMESTAMPTZ NOT NULL,
    by_user  TEXT NOT NULL
);
CREATE INDEX call_attempt_task_idx ON call_attempt (task_id);
CREATE TRIGGER call_attempt_append_only BEFORE UPDATE OR DELETE ON call_attempt
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- When the wave's call list was made: a due CALL wave with none is listed once, under the row's lock.
ALTER TABLE campaign_wave ADD COLUMN calls_listed_at TIMESTAMPTZ;
