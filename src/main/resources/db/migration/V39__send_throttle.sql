-- A token bucket per sender, shared by every instance of the service (see docs/adr/0004).
CREATE TABLE send_throttle (
    sender      TEXT PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMPTZ NOT NULL
);
