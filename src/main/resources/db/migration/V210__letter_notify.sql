-- Letters posted through GOV.UK Notify (issue 14, docs/letters.md): a send's claim (claimed_until, also the time
-- before which a letter waits after a refusal worth retrying), the attempt whose outcome may be unknown
-- (attempted_at: set and committed before the request goes, cleared once Notify certainly has nothing), and
-- REFUSED: Notify took the letter, then would not post it (validation, virus scan, cancelled, technical failure).
ALTER TABLE letter ADD COLUMN claimed_until TIMESTAMPTZ;
ALTER TABLE letter ADD COLUMN attempted_at TIMESTAMPTZ;
ALTER TABLE letter ADD COLUMN attempts INT NOT NULL DEFAULT 0;

ALTER TABLE letter DROP CONSTRAINT letter_status_check;
ALTER TABLE letter ADD CONSTRAINT letter_status_check CHECK (status IN ('EXCLUDED', 'HELD_BACK', 'PENDING', 'FAILED',
                                                                        'PRINTED', 'SENT', 'DELIVERED', 'REFUSED'));

-- REFUSED ranks with DELIVERED: the first final word wins.
CREATE OR REPLACE FUNCTION letter_status_rank(status TEXT) RETURNS INT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status WHEN 'PENDING' THEN 0 WHEN 'FAILED' THEN 1 WHEN 'PRINTED' THEN 2 WHEN 'SENT' THEN 3
                       WHEN 'DELIVERED' THEN 4 WHEN 'REFUSED' THEN 4 WHEN 'EXCLUDED' THEN 100 WHEN 'HELD_BACK' THEN 100 END
$$;

-- One Notify letter is one of our letters.
CREATE UNIQUE INDEX letter_provider_ref_idx ON letter (provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX letter_pending_due_idx ON letter (due_at, id) WHERE status = 'PENDING';
