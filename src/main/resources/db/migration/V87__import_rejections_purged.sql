-- When the retention job deleted an import's rejected rows (they are copies of patient rows from the file):
-- the download then answers 410 Gone instead of an empty file. The import's counts stay.
ALTER TABLE import_run ADD COLUMN rejections_purged_at TIMESTAMPTZ;
CREATE INDEX import_run_at_idx ON import_run (at) WHERE rejections_purged_at IS NULL AND rejected > 0;
