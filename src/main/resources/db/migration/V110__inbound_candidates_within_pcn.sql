-- "Shared mobile: N patients" counted the patients of every PCN who had the number, so a CCC could learn how
-- many of another PCN's patients share a mobile. Replies are now counted within their own PCN (SenderMatcher);
-- this recounts the replies already stored the same way, from the messages sent up to the reply and the patients'
-- mobiles as they are now (what was on the record at the time is not kept).
UPDATE inbound_message im
SET candidate_patients = GREATEST(1, (
    SELECT count(*) FROM (
        SELECT m.patient_id FROM message m
        WHERE m.to_number = im.from_number AND m.sent_at IS NOT NULL AND m.sent_at <= im.received_at
        UNION
        SELECT p.id FROM patient p WHERE p.mobile = im.from_number) AS c
    JOIN patient p ON p.id = c.patient_id
    JOIN practice pr ON pr.code = p.practice_code
    WHERE pr.pcn_id = im.pcn_id))
WHERE im.pcn_id IS NOT NULL AND im.patient_id IS NOT NULL;
