-- Campaigns, their frozen recipients and every outbound text; the opt-out ledger.
CREATE TABLE campaign (
    id               BIGSERIAL PRIMARY KEY,
    pcn_id           BIGINT NOT NULL REFERENCES pcn (id),
    name             TEXT NOT NULL,
    programme        TEXT NOT NULL,
    source           TEXT NOT NULL DEFAULT 'SMS' CHECK (source IN ('SMS', 'EXTERNAL')),
    status           TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'SENDING', 'PAUSED', 'COMPLETED', 'CANCELLED')),
    as_of            DATE NOT NULL,
    start_at         TIMESTAMPTZ NOT NULL,
    send_window      JSONB,                -- {"days":["MON",..],"from":"08:00","to":"18:00","skipBankHolidays":true}
    reminders        JSONB NOT NULL DEFAULT '[]',  -- [{"afterDays":14}]
    control_fraction NUMERIC(4, 3) NOT NULL DEFAULT 0 CHECK (control_fraction BETWEEN 0 AND 0.5),
    attribution_days INT NOT NULL,
    rule_version     TEXT,
    cohort_summary   JSONB,                -- eligible and excluded counts at launch
    split_seed       BIGINT,               -- reproduces the texted/control split
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    launched_at      TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ
);
CREATE INDEX campaign_pcn_idx ON campaign (pcn_id, created_at);

-- The cohort frozen at launch. index_date is the day conversions are measured from:
-- the first text for the texted arm, the day they would have been texted for control.
CREATE TABLE recipient (
    id         BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaign (id),
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    arm        TEXT NOT NULL CHECK (arm IN ('TEXTED', 'CONTROL')),
    language   TEXT NOT NULL,
    mobile     TEXT,
    index_date DATE,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, patient_id)
);
CREATE INDEX recipient_patient_idx ON recipient (patient_id);

-- One row per text. (campaign, patient, wave) is unique so that a second send of a wave is
-- impossible at the database level, whatever the dispatcher does.
CREATE TABLE message (
    id              BIGSERIAL PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaign (id),
    recipient_id    BIGINT NOT NULL REFERENCES recipient (id),
    patient_id      BIGINT NOT NULL REFERENCES patient (id),
    wave            SMALLINT NOT NULL,     -- 1 = initial invitation, 2.. = reminders
    template_key    TEXT NOT NULL,         -- 'initial' or 'reminder'
    to_number       TEXT NOT NULL,
    language        TEXT NOT NULL,
    body            TEXT,
    segments        INT,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'SENDING', 'UNKNOWN', 'QUEUED', 'SENT', 'DELIVERED',
                                                    'UNDELIVERED', 'FAILED', 'CANCELLED', 'SKIPPED')),
    error_code      TEXT,
    reason          TEXT,                  -- why it was cancelled, skipped or failed, in words
    due_at          TIMESTAMPTZ NOT NULL,
    attempts        INT NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   TIMESTAMPTZ,
    provider_sid    TEXT UNIQUE,
    sent_at         TIMESTAMPTZ,
    status_at       TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, patient_id, wave)
);
CREATE INDEX message_due_idx ON message (due_at) WHERE status = 'PENDING';
CREATE INDEX message_to_idx ON message (to_number, sent_at);
CREATE INDEX message_patient_idx ON message (patient_id, sent_at);

-- Append-only: every opt-out and opt-in, how and when. A patient's latest entry (by patient or by
-- number) decides; only an explicit opt-in reverses an opt-out.
CREATE TABLE opt_out_ledger (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    patient_id  BIGINT REFERENCES patient (id),
    phone       TEXT,                      -- E.164; set when the request came from a number
    action      TEXT NOT NULL CHECK (action IN ('OPT_OUT', 'OPT_IN')),
    source      TEXT NOT NULL CHECK (source IN ('REPLY', 'TWILIO_21610', 'IMPORTED', 'CCC_PHONE')),
    reference   TEXT,                      -- message sid, event id or note
    recorded_by TEXT,
    CHECK (patient_id IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX opt_out_ledger_patient_idx ON opt_out_ledger (patient_id);
CREATE INDEX opt_out_ledger_phone_idx ON opt_out_ledger (phone);

CREATE TRIGGER opt_out_ledger_append_only BEFORE UPDATE OR DELETE ON opt_out_ledger
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE VIEW opted_out_patient AS
WITH latest AS (
    SELECT DISTINCT ON (p.id) p.id AS patient_id, l.action, l.at, l.source
    FROM opt_out_ledger l
    JOIN patient p ON p.id = l.patient_id OR (l.phone IS NOT NULL AND p.mobile = l.phone)
    ORDER BY p.id, l.at DESC, l.id DESC
)
SELECT patient_id, at, source FROM latest WHERE action = 'OPT_OUT';
