-- Issue 15: a practice downloads its campaign's coded entries (CSV or FHIR) to write them to its GP records.
-- Each download is kept, and so is the first download of each entry, so that the campaign page can say which
-- entries a practice already has, and a practice can download only the new ones (coding twice duplicates them
-- in the record). The entries themselves are not copied: they are read from the rows that made them.
CREATE TABLE gp_code_export (
    id            BIGSERIAL PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaign (id),
    practice_code TEXT NOT NULL REFERENCES practice (code),
    format        TEXT NOT NULL CHECK (format IN ('CSV', 'FHIR')),
    only_new      BOOLEAN NOT NULL,
    unverified    BOOLEAN NOT NULL,          -- the CCC asked for unverified codes too
    entries       INT NOT NULL,
    code_list     TEXT NOT NULL,             -- the code file's version
    exported_by   TEXT NOT NULL,
    exported_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX gp_code_export_campaign_idx ON gp_code_export (campaign_id, practice_code, exported_at);

CREATE TABLE gp_code_exported_entry (
    campaign_id     BIGINT NOT NULL REFERENCES campaign (id),
    entry_key       TEXT NOT NULL,           -- sms:42, letter:7, optout:3, reply:9
    first_export_id BIGINT NOT NULL REFERENCES gp_code_export (id),
    PRIMARY KEY (campaign_id, entry_key)
);
