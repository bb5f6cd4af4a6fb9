-- event_type_date_covering_idx (V60) has the same key and a superset of the included columns, so cohort and
-- report scans by type and date use it; keeping both would only double the cost of every event import.
DROP INDEX event_type_date_idx;
