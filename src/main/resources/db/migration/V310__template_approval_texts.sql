-- Hazard H-026: while a PCN's newer draft of a language waits for its LEAD, patients keep getting the version the
-- LEAD last approved, not English. To send that version its words must be known: an approval now records which
-- pcn_template_text rows it covered (empty: the shipped texts only). Approvals made before this column existed
-- have NULL, and are used again only where they are of the shipped texts (their version says which).
ALTER TABLE template_approval ADD COLUMN text_ids BIGINT[];
