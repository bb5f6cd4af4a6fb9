-- Superseded by message_claim_order_idx (V75), which serves every query the (due_at)-only index did.
DROP INDEX message_claimable_idx;
