-- Housekeeping finds claims whose lease ran out (a dead or stuck instance) to reconcile them.
CREATE INDEX message_lease_idx ON message (claimed_until) WHERE status = 'SENDING';
