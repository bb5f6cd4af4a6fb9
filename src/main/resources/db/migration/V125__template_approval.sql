-- Issue 13: a translation is sent only once it is approved; English, the source, needs no approval.
-- An approval is of one version: the digest of the texts the language sends for the programme, so a changed
-- file is a new version that needs approving again. pcn_id NULL: approved by an ADMIN for every PCN.
CREATE TABLE template_approval (
    id          BIGSERIAL PRIMARY KEY,
    programme   TEXT NOT NULL,
    language    TEXT NOT NULL,
    pcn_id      BIGINT REFERENCES pcn (id),
    version     TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX template_approval_once ON template_approval (programme, language, COALESCE(pcn_id, 0), version);

-- The template version each language of a campaign was frozen with at launch.
CREATE TABLE campaign_template (
    campaign_id BIGINT NOT NULL REFERENCES campaign (id),
    language    TEXT NOT NULL,
    version     TEXT NOT NULL,
    approved    BOOLEAN NOT NULL,
    PRIMARY KEY (campaign_id, language)
);
