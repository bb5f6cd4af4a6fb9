-- Tracked booking links (issue 15). A campaign may carry a booking URL (https only) and a phone number for
-- replies; each of its texts then holds its own short link UPTAKE_PUBLIC_URL/b/{token}.
ALTER TABLE campaign ADD COLUMN booking_url TEXT;
ALTER TABLE campaign ADD COLUMN reply_phone TEXT;

-- One token per message, written in the launch transaction together with the message, never again: a retry,
-- a reconcile or a second instance re-renders the text with the same token (message_id is the key).
-- The token is random (96 bits from SecureRandom, base64url) and says nothing about the patient.
CREATE TABLE booking_link (
    message_id       BIGINT PRIMARY KEY REFERENCES message (id),
    token            TEXT NOT NULL UNIQUE,
    campaign_id      BIGINT NOT NULL REFERENCES campaign (id),
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    first_clicked_at TIMESTAMPTZ,
    last_clicked_at  TIMESTAMPTZ,
    clicks           INT NOT NULL DEFAULT 0
);
CREATE INDEX booking_link_campaign_idx ON booking_link (campaign_id);
