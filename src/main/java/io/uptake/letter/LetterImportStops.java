package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.audit.AuditLog;
import io.uptake.campaign.CampaignSettings;
import io.uptake.campaign.StopReasons;
import io.uptake.importing.ImportListener;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * The letters' side of an import's stops (texts: campaign/CampaignImportStops): a letter not yet printed or handed
 * to Notify, of an open campaign, to a patient the import marks dead or registers with another PCN's practice (or
 * whose practice a practice import moves to another PCN), is CANCELLED in the import's commit with the same reasons
 * as a text, and audited. A PRINTED letter is left to {@link LetterStops},
 * the check at the moment it leaves, which also stops it: this one only makes the campaign page right at once.
 */
@Singleton
class LetterImportStops implements ImportListener {
    private final JdbcOperations jdbc;
    private final CampaignSettings campaigns;
    private final AuditLog audit;

    LetterImportStops(JdbcOperations jdbc, CampaignSettings campaigns, AuditLog audit) {
        this.jdbc = jdbc;
        this.campaigns = campaigns;
        this.audit = audit;
    }

    @Override
    public void imported(String kind, CurrentUser user, Instant now) {
        if (!StopReasons.IMPORT_KINDS.contains(kind)) {
            return;
        }
        int cancelled = jdbc.prepareStatement("""
                WITH stop AS (
                    SELECT l.id,
                           CASE WHEN EXISTS (SELECT 1 FROM event e WHERE e.patient_id = l.patient_id
                                                                    AND e.event_type = ANY(?)) THEN CAST(? AS TEXT)
                                WHEN pr.pcn_id <> c.pcn_id THEN CAST(? AS TEXT) END AS reason
                    FROM letter l
                    JOIN campaign c ON c.id = l.campaign_id
                    JOIN patient p ON p.id = l.patient_id
                    LEFT JOIN practice pr ON pr.code = p.practice_code
                    WHERE l.status IN ('PENDING', 'FAILED') AND l.attempted_at IS NULL
                      AND c.status IN ('SCHEDULED', 'SENDING', 'PAUSED'))
                UPDATE letter l SET status = 'CANCELLED', reason = stop.reason, claimed_until = NULL, updated_at = ?
                FROM stop WHERE l.id = stop.id AND stop.reason IS NOT NULL""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", campaigns.deceasedEventTypes().toArray()));
            // The texts' words for the same stops (StopReasons), so a letter and a text read alike.
            ps.setString(2, StopReasons.DECEASED);
            ps.setString(3, StopReasons.NOT_REGISTERED);
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate();
        });
        if (cancelled > 0) {
            // As the texts' stop does: who caused it and how many, so a CCC can see why letters did not go.
            audit.record(user, "CANCEL_LETTERS", kind, "after the import: " + cancelled
                    + " letters cancelled (patient deceased or no longer registered at the practice)");
        }
    }
}
