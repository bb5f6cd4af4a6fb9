-- A disabled user cannot log in (their sessions are ended when disabled); a reset password must be changed
-- at the next login.
ALTER TABLE app_user ADD COLUMN disabled_at TIMESTAMPTZ;
ALTER TABLE app_user ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
