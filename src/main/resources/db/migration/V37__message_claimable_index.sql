-- The dispatcher claims due PENDING and UNKNOWN messages oldest first.
CREATE INDEX message_claimable_idx ON message (due_at) WHERE status IN ('PENDING', 'UNKNOWN');
