package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.campaign.WaveChannelPolicy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Clock;

/**
 * A letter instead of a text that cannot arrive (issue 14): in an AUTO wave, a patient whose text failed for good
 * (FAILED: a landline, a number the provider refuses) or was not delivered (UNDELIVERED: unreachable), or whose
 * reminder text was cancelled because their earlier text had failed, gets that wave's letter, due now, if their
 * record has an address (else the row says {@code no-address}). An SMS wave is texts only, by the CCC's choice, so it
 * has no fallback. The texts' control arm has no texts, so it never gets here.
 * <p>
 * Exactly once: the letter's {@code UNIQUE (campaign_id, patient_id, wave)} with {@code ON CONFLICT DO NOTHING}, so
 * every instance may run this at any time. The letter then meets the same last check as every letter
 * ({@link LetterStops}: opted out, died or converted).
 */
@Singleton
class LetterFallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(LetterFallbacks.class);
    private final JdbcOperations jdbc;
    private final Clock clock;

    LetterFallbacks(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Writes the fallback letters now due, of one campaign or (null) of every sending one; returns how many. */
    @Transactional
    int write(Long campaignId) {
        Timestamp now = Timestamp.from(clock.instant());
        int written = jdbc.prepareStatement("""
                INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, reason,
                                    due_at, created_at, updated_at)
                SELECT m.campaign_id, m.patient_id, m.wave, m.template_key, 'LETTER', m.language,
                       CASE WHEN %1$s THEN 'PENDING' ELSE 'EXCLUDED' END,
                       CASE WHEN %1$s THEN NULL ELSE ? END, ?, ?, ?
                FROM message m
                JOIN campaign c ON c.id = m.campaign_id
                JOIN campaign_wave w ON w.campaign_id = m.campaign_id AND w.wave = m.wave
                JOIN patient p ON p.id = m.patient_id
                WHERE c.status IN ('SENDING', 'COMPLETED') AND w.channel = 'AUTO'
                  AND (CAST(? AS BIGINT) IS NULL OR m.campaign_id = ?)
                  AND (m.status IN ('FAILED', 'UNDELIVERED') OR (m.status = 'CANCELLED' AND m.reason = ?))
                ON CONFLICT (campaign_id, patient_id, wave) DO NOTHING""".formatted(LetterCampaigns.HAS_ADDRESS), ps -> {
            ps.setString(1, WaveChannelPolicy.NO_ADDRESS);
            ps.setTimestamp(2, now);
            ps.setTimestamp(3, now);
            ps.setTimestamp(4, now);
            ps.setObject(5, campaignId, java.sql.Types.BIGINT);
            ps.setObject(6, campaignId, java.sql.Types.BIGINT);
            ps.setString(7, WaveChannelPolicy.EARLIER_TEXT_FAILED);
            return ps.executeUpdate();
        });
        if (written > 0) {
            LOG.info("{} letters written in place of texts that cannot arrive", written);
        }
        return written;
    }
}
