-- Each wave of a campaign with the channel it names (issue 14): AUTO (a text to those with a usable mobile, a
-- letter to the others: what every wave did before), SMS, LETTER or CALL. Written at launch, one row per wave;
-- read by the pages, and by the call list when a CALL wave falls due.
CREATE TABLE campaign_wave (
    campaign_id  BIGINT NOT NULL REFERENCES campaign (id),
    wave         SMALLINT NOT NULL CHECK (wave >= 1),
    template_key TEXT NOT NULL,
    channel      TEXT NOT NULL DEFAULT 'AUTO' CHECK (channel IN ('AUTO', 'SMS', 'LETTER', 'CALL')),
    due_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, wave),
    -- A call list is for those who did not respond to an earlier wave.
    CHECK (wave > 1 OR channel <> 'CALL')
);

-- Campaigns launched before: every wave was AUTO. Their waves are the ones their texts and letters were written for.
INSERT INTO campaign_wave (campaign_id, wave, template_key, channel, due_at)
SELECT campaign_id, wave, min(template_key), 'AUTO', min(due_at)
FROM (SELECT campaign_id, wave, template_key, due_at FROM message
      UNION ALL SELECT campaign_id, wave, template_key, due_at FROM letter) w
GROUP BY campaign_id, wave;
