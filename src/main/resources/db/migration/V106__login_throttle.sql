-- Failed-login counters shared by every instance, one per (username, client address) and one per address.
-- key is 'user:<lower-case username>@<address>' or 'address:<address>'.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,
    failures        INT NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
