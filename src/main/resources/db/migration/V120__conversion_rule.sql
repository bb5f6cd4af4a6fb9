-- The one definition of conversion (docs/reports.md, "Converted"). The send-time check (Dispatcher's claim), the
-- reminder cancellation (CampaignHousekeeping), the campaign counts (CampaignService) and the report
-- (RecipientOutcomes, under CampaignReports, UptakeOverviews and external campaigns) all use these functions, so
-- a campaign page, its report and the reason a reminder was cancelled cannot disagree.
--
-- The rule: a recipient converted on the date of the programme's first qualifying event dated from their index
-- date to index date + the campaign's attribution days, both inclusive. When the event was imported plays no
-- part: a test done inside the window and imported late counts, from the moment it is imported; one dated before
-- the index date or after the window never counts, however it arrived.

-- The day conversions are measured from: the recipient's index date (the day their first text went; for the
-- control arm the day it would have gone), or, for a texted recipient never reached, the day the campaign
-- started, in the service's time zone (intention to treat). Plain SQL bodies without sub-selects: PostgreSQL
-- inlines them, so the set-based report keeps its plans.
CREATE FUNCTION conversion_index_date(index_date DATE, campaign_start TIMESTAMPTZ, zone TEXT) RETURNS DATE
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT COALESCE($1, CAST(timezone($3, $2) AS DATE)) $$;

-- Whether an event dated event_date falls in the attribution window that starts on index_date.
CREATE FUNCTION within_attribution_window(event_date DATE, index_date DATE, attribution_days INT) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT $1 BETWEEN $2 AND $2 + $3 $$;

-- A patient's conversion: the first of the qualifying event types in the window, or no row. For checks of one
-- patient at a time (event_patient_type_idx); the report applies the same two functions above set-wise.
CREATE FUNCTION conversion(patient_id BIGINT, qualifying TEXT[], index_date DATE, attribution_days INT)
    RETURNS TABLE (event_type TEXT, event_date DATE)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT e.event_type, e.event_date FROM event e
        WHERE e.patient_id = $1 AND e.event_type = ANY ($2) AND within_attribution_window(e.event_date, $3, $4)
        ORDER BY e.event_date, e.event_type
        LIMIT 1
    $$;
