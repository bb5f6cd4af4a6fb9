-- Issue 15, sending paced to budget: each PCN's monthly budget for texts in pounds, set by an ADMIN (no row: no
-- budget, nothing refused or paused), and why a campaign was paused when the service paused it (the budget
-- reached while sending), shown on its page; a CCC's resume clears it.
CREATE TABLE pcn_budget (
    pcn_id         BIGINT        PRIMARY KEY REFERENCES pcn (id) ON DELETE CASCADE,
    monthly_budget NUMERIC(12, 2) NOT NULL CHECK (monthly_budget >= 0),
    set_by         TEXT          NOT NULL,
    set_at         TIMESTAMPTZ   NOT NULL
);

ALTER TABLE campaign ADD COLUMN paused_reason TEXT;
