-- Issue 15, sending paced to capacity: a campaign's daily cap (texts a day across all its waves; NULL: no cap),
-- and each capped campaign's count of texts taken for sending on each day of the service's zone
-- (uptake.timezone). The dispatcher takes from the day's count before it claims, like the throttle's tokens
-- (ADR 0018, ADR 0022), and gives back what it did not hand over; the row lock on (campaign, day) is what keeps
-- two instances claiming at once within the cap. It is not a message table: the outbox stays its one writer.
ALTER TABLE campaign ADD COLUMN daily_cap INTEGER CHECK (daily_cap IS NULL OR daily_cap > 0);

CREATE TABLE campaign_day_texts (
    campaign_id BIGINT  NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    day         DATE    NOT NULL,
    texts       INTEGER NOT NULL CHECK (texts >= 0),
    PRIMARY KEY (campaign_id, day)
);
