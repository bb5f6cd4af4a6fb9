-- Every text is written at least three times (inserted PENDING, claimed SENDING, recorded QUEUED, then the
-- status callbacks), and none of these updates can be HOT (status, sent_at and the lease are indexed). With
-- full pages each new version goes to a fresh page at the end of the table, and the dispatcher's workers
-- queued on the relation extension lock (seen in pg_stat_activity during the campaign benchmark). Room on
-- each page keeps a message's versions together. Applies to pages written from now on.
ALTER TABLE message SET (fillfactor = 70);
