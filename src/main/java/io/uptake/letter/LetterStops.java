package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.campaign.CampaignSettings;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last check before a letter leaves, printed for the CCC to post or handed to GOV.UK Notify: a patient who has
 * opted out (the ledger's {@code opted_out_patient}, the view every channel reads) or died since the launch gets no
 * letter, and the letter is CANCELLED with that reason. A text meets the same stops at its claim
 * (campaign/SendEligibility); without this a letter went to a patient who had said STOP, or to the family of a
 * patient who had died (hazard H-020). A letter whose Notify attempt may already have gone ({@code attempted_at})
 * is left to reconciliation: cancelling our row would not stop Notify's.
 */
@Singleton
class LetterStops {
    private final JdbcOperations jdbc;
    private final CampaignSettings campaigns;
    private final Clock clock;

    LetterStops(JdbcOperations jdbc, CampaignSettings campaigns, Clock clock) {
        this.jdbc = jdbc;
        this.campaigns = campaigns;
        this.clock = clock;
    }

    /** Cancels those of {@code letterIds} that must not go; returns them with their reason, in id order. */
    @Transactional
    Map<Long, String> cancelStopped(Collection<Long> letterIds) {
        if (letterIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.prepareStatement("""
                WITH stop AS (
                    SELECT l.id,
                           CASE WHEN EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = l.patient_id)
                                    THEN 'opted out'
                                WHEN EXISTS (SELECT 1 FROM event e WHERE e.patient_id = l.patient_id
                                                                     AND e.event_type = ANY(?))
                                    THEN 'patient deceased' END AS reason
                    FROM letter l
                    WHERE l.id = ANY(?) AND l.status IN ('PENDING', 'FAILED', 'PRINTED') AND l.attempted_at IS NULL)
                UPDATE letter l SET status = 'CANCELLED', reason = stop.reason, claimed_until = NULL, updated_at = ?
                FROM stop WHERE l.id = stop.id AND stop.reason IS NOT NULL
                RETURNING l.id, l.reason""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", campaigns.deceasedEventTypes().toArray()));
            ps.setArray(2, ps.getConnection().createArrayOf("bigint", letterIds.toArray()));
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
            Map<Long, String> out = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getString(2));
                }
            }
            return out;
        });
    }
}
