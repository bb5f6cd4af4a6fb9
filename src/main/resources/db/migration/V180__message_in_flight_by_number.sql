-- Issue 12, reconciliation as its own job. The send claim skips a number that has a text SENDING or UNKNOWN
-- (Outbox.claim: NOT EXISTS on to_number), so it needs those few rows by number; the reconciler claims UNKNOWN
-- rows by due time without reading past a PENDING backlog.
CREATE INDEX message_in_flight_number_idx ON message (to_number) WHERE status IN ('SENDING', 'UNKNOWN');
CREATE INDEX message_unknown_due_idx ON message (due_at, id) WHERE status = 'UNKNOWN';
