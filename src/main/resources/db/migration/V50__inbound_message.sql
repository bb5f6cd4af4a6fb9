-- Every text sent to our numbers, as Twilio delivered it, with what we understood and answered.
-- One row per MessageSid: Twilio may deliver a message twice, and the second delivery changes nothing.
CREATE TABLE inbound_message (
    id                  BIGSERIAL PRIMARY KEY,
    message_sid         TEXT NOT NULL UNIQUE,
    from_number         TEXT NOT NULL,          -- E.164 as Twilio sent it
    to_number           TEXT NOT NULL,          -- our number that was texted
    body                TEXT NOT NULL,          -- the original text, always kept
    segments            INT,
    received_at         TIMESTAMPTZ NOT NULL,
    -- The match: the most recent campaign message sent to from_number (null for an unknown number).
    patient_id          BIGINT REFERENCES patient (id),
    campaign_id         BIGINT REFERENCES campaign (id),
    answered_message_id BIGINT REFERENCES message (id),
    pcn_id              BIGINT REFERENCES pcn (id),    -- whose CCC sees it; null (unknown number): ADMIN only
    candidate_patients  INT NOT NULL DEFAULT 0,        -- patients this number may be; > 1 is a shared mobile
    language            TEXT NOT NULL,                 -- the patient's language, 'en' for an unknown number
    classification      TEXT NOT NULL
        CHECK (classification IN ('OPT_OUT', 'OPT_IN', 'CALL_REQUEST', 'HELP', 'FREE_TEXT')),
    keyword_language    TEXT,                          -- the language whose keyword matched
    likely_opt_out      BOOLEAN NOT NULL DEFAULT false, -- free text that reads like an opt-out, for the CCC
    opt_out_type        TEXT,                          -- Twilio Advanced Opt-Out's OptOutType as delivered
    auto_reply          TEXT,                          -- the TwiML <Message> we answered with; null when none
    auto_reply_kind     TEXT,
    no_reply_reason     TEXT,                          -- why no auto-reply: LOOP_GUARD, TWILIO_ANSWERED
    inbox_status        TEXT NOT NULL CHECK (inbox_status IN ('NONE', 'OPEN', 'DONE')),
    outcome             TEXT CHECK (outcome IN ('CALLED', 'BOOKED_TEST', 'NOT_INTERESTED', 'WRONG_NUMBER')),
    outcome_note        TEXT,
    done_by             TEXT,
    done_at             TIMESTAMPTZ
);
CREATE INDEX inbound_message_from_idx ON inbound_message (from_number, received_at);
CREATE INDEX inbound_message_open_idx ON inbound_message (pcn_id, received_at) WHERE inbox_status = 'OPEN';
CREATE INDEX inbound_message_campaign_idx ON inbound_message (campaign_id);
