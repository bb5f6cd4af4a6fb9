-- The dispatcher claims ORDER BY due_at, id LIMIT batch. With message_claimable_idx on (due_at) alone, a wave
-- whose messages share one due_at (every launch: wave 1 is due at the first open slot) made each claim sort
-- every due row: about 0.5 s per batch of 10 with 85,000 due (campaign benchmark, BENCHMARKS.md). With id in
-- the key the index scan yields rows already in claim order and stops after the batch.
CREATE INDEX message_claim_order_idx ON message (due_at, id) WHERE status IN ('PENDING', 'UNKNOWN');
