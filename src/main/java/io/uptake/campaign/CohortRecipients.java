package io.uptake.campaign;

import io.micronaut.json.JsonMapper;
import io.uptake.cohort.Cohorts;
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

    CohortRecipients(Cohorts cohorts, JsonMapper json, Clock clock) {
        this.cohorts = cohorts;
        this.json = json;
        this.clock = clock;
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
        return new Frozen(n, ruleVersion, summary);
    }
}
