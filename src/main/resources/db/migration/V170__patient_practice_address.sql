-- Postal addresses, for letters to patients no text can reach (issue 14). Optional: a patient without an
-- address is excluded from letters with the reason no-address. The practice's address heads each letter.
ALTER TABLE patient ADD COLUMN address_line_1 TEXT, ADD COLUMN address_line_2 TEXT, ADD COLUMN town TEXT;
ALTER TABLE practice ADD COLUMN address_line_1 TEXT, ADD COLUMN address_line_2 TEXT, ADD COLUMN town TEXT,
    ADD COLUMN postcode TEXT;
