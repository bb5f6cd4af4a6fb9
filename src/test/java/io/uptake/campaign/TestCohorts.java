package io.uptake.campaign;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;

/**
 * Stand-in for the cohort feature in campaign tests: every patient of the PCN who has not opted out is eligible.
 * The campaign engine only relies on the contract (recipient rows written in the caller's transaction).
 */
@Singleton
@io.micronaut.context.annotation.Replaces(CampaignCohorts.class)
@Requires(property = "spec.name", pattern = "Campaign.*")
class TestCohorts implements CampaignCohorts {
    private final JdbcOperations jdbc;
    private final Clock clock;

    TestCohorts(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Frozen freeze(long campaignId, String programme, long pcnId, LocalDate asOf) {
        int n = jdbc.prepareStatement("""
                INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, created_at)
                SELECT ?, p.id, 'TEXTED', p.language, p.mobile, ? FROM patient p
                JOIN practice pr ON pr.code = p.practice_code
                WHERE pr.pcn_id = ? AND NOT EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = p.id)""", ps -> {
            ps.setLong(1, campaignId);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setLong(3, pcnId);
            return ps.executeUpdate();
        });
        return new Frozen(n, "test-rules-1", "{\"eligible\":" + n + "}");
    }
}
