-- Letters (issue 14): one row per patient, campaign and wave for those in a cohort that no text can reach
-- (no usable mobile). UNIQUE (campaign_id, patient_id, wave) as for texts: a wave's letter exists once.
-- Written at launch; status moves only forward (letter_status_rank, enforced by the trigger below).
CREATE TABLE letter (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaign (id),
    patient_id   BIGINT NOT NULL REFERENCES patient (id),
    wave         SMALLINT NOT NULL,
    template_key TEXT NOT NULL,
    arm          TEXT NOT NULL CHECK (arm IN ('LETTER', 'CONTROL')),
    language     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('EXCLUDED', 'HELD_BACK', 'PENDING', 'FAILED', 'PRINTED', 'SENT',
                                                 'DELIVERED')),
    reason       TEXT,                 -- why EXCLUDED (no-address) or why it FAILED, in people's words
    provider     TEXT,                 -- print, notify, simulated: who took it
    provider_ref TEXT,
    due_at       TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, patient_id, wave)
);
CREATE INDEX letter_campaign_wave_idx ON letter (campaign_id, wave, status);
CREATE INDEX letter_patient_idx ON letter (patient_id);

-- FAILED (could not be rendered) may still become PRINTED once the cause is fixed; EXCLUDED and HELD_BACK are
-- decided at launch and never change.
CREATE FUNCTION letter_status_rank(status TEXT) RETURNS INT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status WHEN 'PENDING' THEN 0 WHEN 'FAILED' THEN 1 WHEN 'PRINTED' THEN 2 WHEN 'SENT' THEN 3
                       WHEN 'DELIVERED' THEN 4 WHEN 'EXCLUDED' THEN 100 WHEN 'HELD_BACK' THEN 100 END
$$;

CREATE FUNCTION letter_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> OLD.status AND (letter_status_rank(OLD.status) >= 100
            OR letter_status_rank(NEW.status) < letter_status_rank(OLD.status)) THEN
        RAISE EXCEPTION 'letter % may not go from % to %', OLD.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER letter_status_forward_only BEFORE UPDATE ON letter
    FOR EACH ROW EXECUTE FUNCTION letter_forward_only();
