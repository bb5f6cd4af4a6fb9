-- The audit page filters by PCN (a LEAD's own), user and action, newest first.
CREATE INDEX audit_log_pcn_at_idx ON audit_log (pcn_id, at);
CREATE INDEX audit_log_username_at_idx ON audit_log (username, at);
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at);
