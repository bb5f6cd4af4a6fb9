-- A letter whose patient opted out or died after the launch is CANCELLED at the last check before it leaves
-- (printed, or handed to GOV.UK Notify), with the reason, as a text is at its claim (issue 14, hazard H-020).
-- Final, like EXCLUDED and HELD_BACK: no later status may follow it.
ALTER TABLE letter DROP CONSTRAINT letter_status_check;
ALTER TABLE letter ADD CONSTRAINT letter_status_check CHECK (status IN ('EXCLUDED', 'HELD_BACK', 'PENDING', 'FAILED',
                                                                        'PRINTED', 'SENT', 'DELIVERED', 'REFUSED',
                                                                        'CANCELLED'));

CREATE OR REPLACE FUNCTION letter_status_rank(status TEXT) RETURNS INT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status WHEN 'PENDING' THEN 0 WHEN 'FAILED' THEN 1 WHEN 'PRINTED' THEN 2 WHEN 'SENT' THEN 3
                       WHEN 'DELIVERED' THEN 4 WHEN 'REFUSED' THEN 4 WHEN 'EXCLUDED' THEN 100 WHEN 'HELD_BACK' THEN 100
                       WHEN 'CANCELLED' THEN 100 END
$$;
