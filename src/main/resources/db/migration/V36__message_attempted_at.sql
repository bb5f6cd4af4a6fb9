-- When the dispatcher last handed a message to the provider: the lower bound for reconciling an
-- UNKNOWN send (did the provider take a text for this message since then?).
ALTER TABLE message ADD COLUMN attempted_at TIMESTAMPTZ;
