-- One row per import request that succeeded: who imported what, and the counts it answered.
CREATE TABLE import_run (
    id        BIGSERIAL PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('practices', 'patients', 'events')),
    username  TEXT NOT NULL,
    pcn_id    BIGINT REFERENCES pcn (id),     -- the importer's PCN; null for ADMIN
    at        TIMESTAMPTZ NOT NULL,
    charset   TEXT NOT NULL,
    bytes     BIGINT NOT NULL,
    received  BIGINT NOT NULL DEFAULT 0,
    inserted  BIGINT NOT NULL DEFAULT 0,
    updated   BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    rejected  BIGINT NOT NULL DEFAULT 0
);
