-- Every rejected row of an import, with its reason, for the download of rejected rows
-- (the JSON answer carries only the first ones).
CREATE TABLE import_rejection (
    import_id BIGINT NOT NULL REFERENCES import_run (id),
    line      BIGINT NOT NULL,
    field     TEXT,
    message   TEXT NOT NULL,
    raw       TEXT,                        -- the row as it was in the file
    PRIMARY KEY (import_id, line)
);
