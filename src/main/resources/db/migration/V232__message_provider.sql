-- Who took each text (issue 14): the sender's channel() ('twilio', 'notify', 'simulated'; no CHECK, so that a new
-- adapter needs no migration), stored when the provider took it (the send's
-- record, or a reconcile that found it), so that the messages API reads it instead of guessing it from the form
-- of the provider's id. Null while no provider has taken the text (pending, refused, never sent).
ALTER TABLE message ADD COLUMN provider TEXT;

-- Texts taken before this column: the only time the provider is read from the form of its id (the simulated
-- channel's SMsim..., Notify's UUIDs, Twilio's SM.../MM...), once, here.
UPDATE message SET provider = CASE
        WHEN provider_sid LIKE 'SMsim%' THEN 'simulated'
        WHEN provider_sid ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN 'notify'
        ELSE 'twilio' END
WHERE provider_sid IS NOT NULL;
