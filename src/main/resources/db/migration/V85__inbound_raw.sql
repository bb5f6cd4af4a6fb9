-- Every signed inbound webhook, stored and committed before anything else is done with it (Twilio does not
-- retry inbound webhooks: a delivery we fail to keep is a patient's text lost, an opt-out among them).
-- body is the request body byte for byte (form-encoded), so a text PostgreSQL would refuse as TEXT (NUL,
-- lone surrogates) is kept exactly as it came; inbound_message holds the cleaned, understood form.
CREATE TABLE inbound_raw (
    id           BIGSERIAL PRIMARY KEY,
    message_sid  TEXT UNIQUE,                 -- cleaned; null when a signed request carried none (INVALID)
    received_at  TIMESTAMPTZ NOT NULL,        -- first delivery
    body         BYTEA NOT NULL,
    deliveries   INT NOT NULL DEFAULT 1,      -- Twilio may deliver one MessageSid more than once
    state        TEXT NOT NULL CHECK (state IN ('RECEIVED', 'PROCESSED', 'FAILED', 'INVALID')),
    attempts     INT NOT NULL DEFAULT 0,      -- failed processing attempts
    last_error   TEXT,                        -- exception class and SQLState only, never text of the message
    processed_at TIMESTAMPTZ
);
-- What the retry picks up, oldest first; and what retention deletes.
CREATE INDEX inbound_raw_unprocessed_idx ON inbound_raw (received_at) WHERE state IN ('RECEIVED', 'FAILED');
CREATE INDEX inbound_raw_processed_idx ON inbound_raw (processed_at) WHERE state = 'PROCESSED';
CREATE INDEX inbound_raw_invalid_idx ON inbound_raw (received_at) WHERE state = 'INVALID';

-- True when characters PostgreSQL cannot store as text (NUL, lone surrogates) were replaced by U+FFFD in
-- this row's text; the exact text is in inbound_raw.body.
ALTER TABLE inbound_message ADD COLUMN body_cleaned BOOLEAN NOT NULL DEFAULT false;
