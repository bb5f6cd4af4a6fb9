-- Numbered choices (issue 15, docs/replies.md "Numbered choices"). A reply coded to a choice keeps which one in
-- `choice`; choice 1 (call me) stays the CALL_REQUEST it always was, choices 2 to 4 are classified CHOICE.
-- NEW_KIT is the outcome of choice 3 (set on arrival), and one a CCC may choose for a patient who asked in words.
ALTER TABLE inbound_message DROP CONSTRAINT inbound_message_classification_check;
ALTER TABLE inbound_message ADD CONSTRAINT inbound_message_classification_check
    CHECK (classification IN ('OPT_OUT', 'OPT_IN', 'CALL_REQUEST', 'HELP', 'FREE_TEXT', 'CHOICE'));
ALTER TABLE inbound_message DROP CONSTRAINT inbound_message_outcome_check;
ALTER TABLE inbound_message ADD CONSTRAINT inbound_message_outcome_check
    CHECK (outcome IN ('CALLED', 'BOOKED_TEST', 'NOT_INTERESTED', 'WRONG_NUMBER', 'NO_ANSWER', 'ALREADY_SCREENED',
                       'OPTED_OUT', 'NEW_KIT'));
ALTER TABLE inbound_message ADD COLUMN choice TEXT
    CHECK (choice IN ('CALL_ME', 'ALREADY_DONE', 'NEW_KIT', 'NOT_FOR_ME'));
-- The database keeps the rule that STOP wins (H-032): a coded choice is never an opt-out, opt-in or help reply,
-- and a CHOICE is always one of the coded choices.
-- A CASE, not ORs: with a null choice an OR of comparisons is null, which a CHECK lets through.
ALTER TABLE inbound_message ADD CONSTRAINT inbound_message_choice_agrees CHECK (
    CASE WHEN choice IS NULL THEN classification <> 'CHOICE'
         WHEN choice = 'CALL_ME' THEN classification = 'CALL_REQUEST'
         ELSE classification = 'CHOICE' END);
CREATE INDEX inbound_message_choice_idx ON inbound_message (campaign_id, choice) WHERE choice IS NOT NULL;
