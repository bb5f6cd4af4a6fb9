-- What the simulated SMS channel "sent": its own record, as Twilio keeps one, so that reconcile can
-- ask it what was accepted and delivery callbacks can be replayed after a restart.
CREATE TABLE simulated_sms (
    id                BIGSERIAL PRIMARY KEY,
    message_id        BIGINT NOT NULL,          -- our message id (no foreign key: the provider is outside our schema)
    provider_sid      TEXT UNIQUE,              -- set when accepted
    to_number         TEXT NOT NULL,
    body              TEXT NOT NULL,
    outcome           TEXT NOT NULL CHECK (outcome IN ('ACCEPTED', 'RETRYABLE')),
    final_status      TEXT,                     -- the delivery status its callbacks end with
    error_code        TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    final_callback_at TIMESTAMPTZ               -- when our webhook acknowledged the last callback
);
CREATE INDEX simulated_sms_message_idx ON simulated_sms (message_id);
CREATE INDEX simulated_sms_pending_callback_idx ON simulated_sms (created_at)
    WHERE outcome = 'ACCEPTED' AND final_callback_at IS NULL;
