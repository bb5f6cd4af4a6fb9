-- Patients a CCC left out of a campaign before launch, from the named list on the review page, with the reason
-- they gave (what accuRx users record by hand). They have no recipient row, so they are never texted; this row
-- is why, shown on the campaign page as the exclusion 'left-out-by-ccc'.
CREATE TABLE campaign_left_out (
    campaign_id BIGINT NOT NULL REFERENCES campaign (id),
    patient_id  BIGINT NOT NULL REFERENCES patient (id),
    reason      TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    left_out_by TEXT NOT NULL,
    left_out_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, patient_id)
);
CREATE INDEX campaign_left_out_patient_idx ON campaign_left_out (patient_id);
