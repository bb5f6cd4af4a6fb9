-- Issue 13, "Templates a PCN can own": a PCN's own words for a programme's message in a language. Append-only: each
-- saved draft is a new row and the latest row of (pcn, programme, language, message) is the PCN's current text, so
-- every version that was ever approved or sent can still be read. Without a row the shipped text is the PCN's.
CREATE TABLE pcn_template_text (
    id        BIGSERIAL PRIMARY KEY,
    pcn_id    BIGINT NOT NULL REFERENCES pcn (id),
    programme TEXT NOT NULL,
    language  TEXT NOT NULL,
    message   TEXT NOT NULL,
    body      TEXT NOT NULL,
    saved_by  TEXT NOT NULL,
    saved_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX pcn_template_text_current ON pcn_template_text (pcn_id, programme, language, message, id DESC);

-- The PCN texts a campaign was launched with (approved ones only), frozen so that every wave sends the words that
-- were approved and reviewed at launch, whatever the PCN saves or approves afterwards. A campaign language without
-- rows here sends the shipped text. campaign_template (V125) has the version of each language.
CREATE TABLE campaign_text (
    campaign_id BIGINT NOT NULL REFERENCES campaign (id),
    language    TEXT NOT NULL,
    message     TEXT NOT NULL,
    text_id     BIGINT NOT NULL REFERENCES pcn_template_text (id),
    PRIMARY KEY (campaign_id, language, message)
);
