-- One row per live login (keyed by the token's jti): a token is honoured only while its row is here, unexpired
-- and not idle too long, so a logout, a disabled user or an idle timeout ends it on every instance at once.
CREATE TABLE staff_session (
    jti          TEXT PRIMARY KEY,
    username     TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_session_username_idx ON staff_session (username);
CREATE INDEX staff_session_expires_idx ON staff_session (expires_at);
