-- message_claim_order_idx (due_at, id) WHERE status IN ('PENDING', 'UNKNOWN') serves every query that used
-- this one (status = 'PENDING' AND due_at ...), and each index is one more write per new message version.
DROP INDEX message_due_idx;
