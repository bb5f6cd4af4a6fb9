-- Organisation, staff and the audit trail.
CREATE TABLE pcn (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE practice (
    code       TEXT PRIMARY KEY,                 -- ODS code, e.g. P84001
    name       TEXT NOT NULL,
    phone      TEXT,
    pcn_id     BIGINT NOT NULL REFERENCES pcn (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX practice_pcn_idx ON practice (pcn_id);

CREATE TABLE app_user (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('ADMIN', 'LEAD', 'CCC')),
    pcn_id        BIGINT REFERENCES pcn (id),
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK (role = 'ADMIN' OR pcn_id IS NOT NULL)
);

-- Append-only: who did what to which data, and when.
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    username TEXT NOT NULL,
    pcn_id   BIGINT,
    action   TEXT NOT NULL,
    target   TEXT,
    detail   TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
