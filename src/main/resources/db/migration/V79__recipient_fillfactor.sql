-- The dispatcher sets recipient.index_date when a wave-1 text goes. No index holds index_date, so that update
-- can be HOT (no new index entries in recipient's three indexes), but only if the row's page has room for
-- the new version: recipients are bulk-inserted at launch into full pages. Applies to pages written from now
-- on, i.e. to the recipients of campaigns launched after this migration.
ALTER TABLE recipient SET (fillfactor = 85);
