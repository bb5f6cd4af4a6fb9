-- The imported GP record: patients and their coded events.
CREATE TABLE patient (
    id              BIGSERIAL PRIMARY KEY,
    nhs_number      CHAR(10) NOT NULL UNIQUE,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    date_of_birth   DATE NOT NULL,
    sex             CHAR(1) NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    mobile          TEXT,                         -- E.164, only when usable for SMS
    mobile_problem  TEXT,                         -- why there is no usable mobile (null when usable)
    language        TEXT NOT NULL DEFAULT 'en',   -- ISO 639-1
    ethnicity       TEXT,                         -- as exported
    ethnicity_group TEXT NOT NULL DEFAULT 'UNKNOWN' -- ONS 2021 high-level: ASIAN, BLACK, MIXED, WHITE, OTHER, UNKNOWN
        CHECK (ethnicity_group IN ('ASIAN', 'BLACK', 'MIXED', 'WHITE', 'OTHER', 'UNKNOWN')),
    postcode        TEXT,
    imd_decile      SMALLINT CHECK (imd_decile BETWEEN 1 AND 10),
    practice_code   TEXT NOT NULL REFERENCES practice (code),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX patient_practice_idx ON patient (practice_code);
CREATE INDEX patient_mobile_idx ON patient (mobile);
CREATE INDEX patient_family_name_idx ON patient (lower(family_name));

CREATE TABLE event (
    id          BIGSERIAL PRIMARY KEY,
    patient_id  BIGINT NOT NULL REFERENCES patient (id),
    event_date  DATE NOT NULL,
    event_type  TEXT NOT NULL,
    value       TEXT NOT NULL DEFAULT '',          -- '' when the event carries no value
    value_num   NUMERIC GENERATED ALWAYS AS (
                    CASE WHEN value ~ '^[0-9]+(\.[0-9]+)?$' THEN value::numeric END) STORED,
    code        TEXT,                              -- SNOMED CT code when the export gave one
    imported_at TIMESTAMPTZ NOT NULL
);
-- A re-imported event is the same event.
CREATE UNIQUE INDEX event_identity_idx ON event (patient_id, event_date, event_type, value);
-- Cohort and attribution queries scan by type and date, then join to the patient.
CREATE INDEX event_type_date_idx ON event (event_type, event_date) INCLUDE (patient_id, value_num);
CREATE INDEX event_patient_type_idx ON event (patient_id, event_type, event_date);
