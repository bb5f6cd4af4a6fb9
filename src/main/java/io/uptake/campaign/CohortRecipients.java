package io.uptake.campaign;

import io.micronaut.json.JsonMapper;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.cohort.Cohorts;
import io.uptake.template.TemplateApprovals;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;

/** Freezes a cohort through the cohort feature: its rule version, its summary (exclusions) and its members. */
@Singleton
class CohortRecipients implements CampaignCohorts {
    private final Cohorts cohorts;
    private final JsonMapper json;
    private final Clock clock;
    private final TemplateApprovals approvals;
    private final JdbcOperations jdbc;

    CohortRecipients(Cohorts cohorts, JsonMapper json, Clock clock, TemplateApprovals approvals, JdbcOperations jdbc) {
        this.cohorts = cohorts;
        this.json = json;
        this.clock = clock;
        this.approvals = approvals;
        this.jdbc = jdbc;
    }

    @Override
    public Frozen freeze(long campaignId, String programme, long pcnId, LocalDate asOf) {
        String ruleVersion = cohorts.rule(programme, asOf).version();
        String summary;
        try {
            summary = json.writeValueAsString(cohorts.summary(programme, asOf, pcnId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = cohorts.insertEligibleRecipients(campaignId, programme, asOf, pcnId, clock.instant());
        recordTemplateVersions(campaignId, programme, pcnId);
        return new Frozen(n, ruleVersion, summary);
    }

    /** The version of the texts each message language of the campaign goes out with, and whether it was approved. */
    private void recordTemplateVersions(long campaignId, String programme, long pcnId) {
        for (TemplateApprovals.LanguageApproval a : approvals.approvals(programme, pcnId)) {
            jdbc.prepareStatement("""
                    INSERT INTO campaign_template (campaign_id, language, version, approved)
                    SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM recipient WHERE campaign_id = ? AND language = ?)""",
                    ps -> {
                        ps.setLong(1, campaignId);
                        ps.setString(2, a.language());
                        ps.setString(3, a.version());
                        ps.setBoolean(4, a.sendable());
                        ps.setLong(5, campaignId);
                        ps.setString(6, a.language());
                        return ps.executeUpdate();
                    });
        }
    }
}
