package io.uptake.campaign;

import java.time.LocalDate;

/**
 * What a campaign needs from the cohort feature: freeze a programme's eligible members of a PCN, as of a
 * date, into {@code recipient} rows (arm TEXTED) of a campaign, inside the caller's transaction.
 */
public interface CampaignCohorts {

    Frozen freeze(long campaignId, String programme, long pcnId, LocalDate asOf);

    /**
     * @param recipients  how many rows were written
     * @param ruleVersion the version of the programme's rule set that chose them
     * @param summaryJson eligible and excluded counts by reason, kept in campaign.cohort_summary
     */
    record Frozen(int recipients, String ruleVersion, String summaryJson) {
    }
}
