-- A patient's telephone (issue 14): any UK landline or mobile from the patient import's optional telephone column
-- (or a landline found in its mobile column), in E.164. Only ever called from the call list, never texted: texts go
-- to the mobile alone. It lets a patient no text can reach, written to, be phoned when a CALL wave falls due.
ALTER TABLE patient ADD COLUMN telephone TEXT;
