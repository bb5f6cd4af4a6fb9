-- The inbox (issue 13). Two more outcomes a CCC records after working a reply: they rang and nobody answered
-- (NO_ANSWER), or the patient was screened somewhere we do not see, such as privately or in another area
-- (ALREADY_SCREENED). OPTED_OUT is set only by the one-click confirm of a reply that reads as an opt-out, which
-- also writes the ledger entry.
ALTER TABLE inbound_message DROP CONSTRAINT inbound_message_outcome_check;
ALTER TABLE inbound_message ADD CONSTRAINT inbound_message_outcome_check
    CHECK (outcome IN ('CALLED', 'BOOKED_TEST', 'NOT_INTERESTED', 'WRONG_NUMBER', 'NO_ANSWER', 'ALREADY_SCREENED',
                       'OPTED_OUT'));

-- Read by the PCN, not per user: the inbox is the PCN's shared queue, and once one CCC has opened an item it
-- is in hand. The navigation's unread count is of open items nobody has opened yet.
ALTER TABLE inbound_message ADD COLUMN opened_at TIMESTAMPTZ;
ALTER TABLE inbound_message ADD COLUMN opened_by TEXT;
CREATE INDEX inbound_message_unread_idx ON inbound_message (pcn_id) WHERE inbox_status = 'OPEN' AND opened_at IS NULL;
CREATE INDEX inbound_message_patient_idx ON inbound_message (patient_id);
