package io.uptake.campaign;

import io.micronaut.json.JsonMapper;
import io.uptake.cohort.Cohorts;
import io.uptake.template.TemplateApprovals;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

/** Freezes a cohort through the cohort feature: its rule version, its summary (exclusions) and its members. */
@Singleton
class CohortRecipients implements CampaignCohorts {
    private final Cohorts cohorts;
    private final JsonMapper json;
    private final Clock clock;
    private final TemplateApprovals approvals;

    CohortRecipients(Cohorts cohorts, JsonMapper json, Clock clock, TemplateApprovals approvals) {
        this.cohorts = cohorts;
        this.json = json;
        this.clock = clock;
        this.approvals = approvals;
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

    /**
     * The version of the texts each message language of the campaign goes out with, and the PCN's approved texts
     * frozen as the campaign's. A language whose approval was lost since the cohort was read (a CCC saved a new
     * text meanwhile) stops the launch: its patients would otherwise get words nobody approved.
     */
    private void recordTemplateVersions(long campaignId, String programme, long pcnId) {
        List<String> refused = approvals.recordLaunch(campaignId, programme, pcnId);
        if (!refused.isEmpty()) {
            throw new CampaignService.Conflict("The texts in " + String.join(", ", refused) + " changed while the "
                    + "campaign was launched and are no longer approved: review the launch again.");
        }
    }
}
