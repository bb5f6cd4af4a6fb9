package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.campaign.CampaignSettings;
import io.uptake.campaign.Programmes;
import io.uptake.campaign.StopReasons;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last check before a letter leaves, printed for the CCC to post or handed to GOV.UK Notify: a patient who has
 * opted out (the ledger's {@code opted_out_patient}, the view every channel reads), died, moved to a practice of
 * another PCN, or converted since the launch (had the test: the one conversion rule of V120, with the campaign's attribution window, as the texts'
 * reminders and the report use it) gets no letter, and the letter is CANCELLED with that reason. A text meets the
 * same stops at its claim (campaign/SendEligibility); without this a letter went to a patient who had said STOP, to
 * the family of a patient who had died (hazard H-020), or a reminder to a patient whose kit had already come back.
 * A letter whose Notify attempt may already have gone ({@code attempted_at}) is left to reconciliation: cancelling
 * our row would not stop Notify's.
 */
@Singleton
class LetterStops {
    private final JdbcOperations jdbc;
    private final CampaignSettings campaigns;
    private final Programmes programmes;
    private final Clock clock;

    LetterStops(JdbcOperations jdbc, CampaignSettings campaigns, Programmes programmes, Clock clock) {
        this.jdbc = jdbc;
        this.campaigns = campaigns;
        this.programmes = programmes;
        this.clock = clock;
    }

    /** Cancels those of {@code letterIds} that must not go; returns them with their reason, in id order. */
    @Transactional
    Map<Long, String> cancelStopped(Collection<Long> letterIds) {
        if (letterIds.isEmpty()) {
            return Map.of();
        }
        // What converts differs by programme (its qualifying events): one pass per programme of these letters.
        List<String> ofLetters = jdbc.prepareStatement("""
                SELECT DISTINCT c.programme FROM letter l JOIN campaign c ON c.id = l.campaign_id WHERE l.id = ANY(?)""",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("bigint", letterIds.toArray()));
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                });
        Map<Long, String> out = new TreeMap<>();
        for (String programme : ofLetters) {
            out.putAll(cancelStopped(letterIds, programme, programmes.find(programme)
                    .map(Programmes.Definition::getQualifyingEvents).orElse(List.of())));
        }
        return out;
    }

    private Map<Long, String> cancelStopped(Collection<Long> letterIds, String programme, List<String> qualifying) {
        return jdbc.prepareStatement("""
                WITH stop AS (
                    SELECT l.id,
                           CASE WHEN EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = l.patient_id)
                                    THEN 'opted out'
                                WHEN EXISTS (SELECT 1 FROM event e WHERE e.patient_id = l.patient_id
                                                                     AND e.event_type = ANY(?))
                                    THEN CAST(? AS TEXT)
                                -- Registered since at a practice of another PCN: no longer this campaign's patient,
                                -- as SendEligibility says of a text (H-007).
                                WHEN EXISTS (SELECT 1 FROM patient p JOIN practice pr ON pr.code = p.practice_code
                                             WHERE p.id = l.patient_id AND pr.pcn_id <> c.pcn_id)
                                    THEN CAST(? AS TEXT)
                                WHEN cv.event_type IS NOT NULL
                                    THEN 'converted: ' || cv.event_type || ' dated ' || cv.event_date END AS reason
                    FROM letter l
                    JOIN campaign c ON c.id = l.campaign_id
                    LEFT JOIN recipient r ON r.campaign_id = l.campaign_id AND r.patient_id = l.patient_id
                    LEFT JOIN LATERAL conversion(l.patient_id, CAST(? AS TEXT[]),
                                                 conversion_index_date(r.index_date, c.start_at, ?),
                                                 c.attribution_days) cv ON true
                    WHERE l.id = ANY(?) AND c.programme = ? AND l.status IN ('PENDING', 'FAILED', 'PRINTED')
                      AND l.attempted_at IS NULL)
                UPDATE letter l SET status = 'CANCELLED', reason = stop.reason, claimed_until = NULL, updated_at = ?
                FROM stop WHERE l.id = stop.id AND stop.reason IS NOT NULL
                RETURNING l.id, l.reason""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", campaigns.deceasedEventTypes().toArray()));
            // The texts' words for the same stops (StopReasons), so a letter and a text read alike.
            ps.setString(2, StopReasons.DECEASED);
            ps.setString(3, StopReasons.NOT_REGISTERED);
            ps.setArray(4, ps.getConnection().createArrayOf("text", qualifying.toArray()));
            ps.setString(5, clock.getZone().getId());
            ps.setArray(6, ps.getConnection().createArrayOf("bigint", letterIds.toArray()));
            ps.setString(7, programme);
            ps.setTimestamp(8, Timestamp.from(clock.instant()));
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
