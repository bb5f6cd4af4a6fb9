package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.campaign.CampaignLetters;
import io.uptake.campaign.Channel;
import io.uptake.campaign.WaveChannelPolicy;
import io.uptake.cohort.CohortSql;
import io.uptake.cohort.Cohorts;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.util.Map;

/**
 * At launch, a letter per wave for every cohort member whose one reason to be left out of the texts is that
 * they have no usable mobile: PENDING when they have an address, EXCLUDED with the reason no-address when not.
 * The campaign's control fraction and seed hold back a control arm among those with an address (HELD_BACK), so
 * that letters have their own comparison, as texts do. Each wave's channel then decides, by
 * {@link WaveChannelPolicy}, who of them and of the texts' recipients gets that wave's letter.
 */
@Singleton
class LetterCampaigns implements CampaignLetters {
    private static final Logger LOG = LoggerFactory.getLogger(LetterCampaigns.class);
    static final String NO_ADDRESS = WaveChannelPolicy.NO_ADDRESS;
    private final JdbcOperations jdbc;
    private final Cohorts cohorts;

    LetterCampaigns(JdbcOperations jdbc, Cohorts cohorts) {
        this.jdbc = jdbc;
        this.cohorts = cohorts;
    }

    /** The SQL condition on the cohort CTE for "reachable only by post". */
    static final String POST_ONLY = "exclusions = ARRAY['no-mobile']::text[]";
    /** The SQL condition on patient p for "has an address a letter can go to". */
    static final String HAS_ADDRESS = "(nullif(btrim(p.address_line_1), '') IS NOT NULL AND nullif(btrim(p.postcode), '') IS NOT NULL)";
    /** The SQL condition on patient p for "has a telephone the call list can ring" (V320). */
    static final String HAS_TELEPHONE = "p.telephone IS NOT NULL";

    @Override
    public void launched(Launch launch) {
        if (launch.waves().isEmpty()) {
            return;
        }
        Wave first = launch.waves().get(0);
        Timestamp now = Timestamp.from(launch.now());
        CohortSql insert = cohorts.cohortSql(launch.programme(), launch.asOf(), launch.pcnId());
        // (A text block would drop the space after WITH: trailing spaces are stripped.)
        insert = new CohortSql(insert.sql().replaceFirst("^WITH ", "INSERT INTO letter (campaign_id, patient_id, wave, "
                + "template_key, arm, language, status, reason, due_at, created_at, updated_at)\nWITH "),
                insert.parameters()).then("""
                SELECT :campaignId, c.patient_id, :wave, :templateKey, 'LETTER', c.language,
                       CASE WHEN %1$s THEN 'PENDING' ELSE 'EXCLUDED' END,
                       CASE WHEN %1$s THEN NULL ELSE :noAddress END, :due, :now, :now
                FROM cohort c JOIN patient p ON p.id = c.patient_id
                WHERE c.%2$s""".formatted(HAS_ADDRESS, POST_ONLY),
                Map.of("campaignId", launch.campaignId(), "wave", first.number(), "templateKey", first.templateKey(),
                        "noAddress", NO_ADDRESS, "due", Timestamp.from(first.due()), "now", now));
        CohortSql statement = insert;
        int written = jdbc.prepareStatement(statement.sql(), ps -> {
            statement.bind(ps);
            return ps.executeUpdate();
        });
        long reachable = jdbc.prepareStatement(
                "SELECT count(*) FROM letter WHERE campaign_id = ? AND wave = ? AND status = 'PENDING'", ps -> {
                    ps.setLong(1, launch.campaignId());
                    ps.setInt(2, first.number());
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
        long control = Math.round(reachable * launch.controlFraction().doubleValue());
        // The texts' split rule (CampaignService): a seeded hash of the patient id orders the candidates.
        jdbc.prepareStatement("""
                UPDATE letter SET arm = 'CONTROL', status = 'HELD_BACK', updated_at = ?
                WHERE id IN (SELECT id FROM letter WHERE campaign_id = ? AND wave = ? AND status = 'PENDING'
                             ORDER BY md5(CAST(? AS TEXT) || ':' || patient_id), patient_id LIMIT ?)""", ps -> {
            ps.setTimestamp(1, now);
            ps.setLong(2, launch.campaignId());
            ps.setInt(3, first.number());
            ps.setLong(4, launch.seed());
            ps.setLong(5, control);
            return ps.executeUpdate();
        });
        for (Wave wave : launch.waves().subList(1, launch.waves().size())) {
            jdbc.prepareStatement("""
                    INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, reason,
                                        due_at, created_at, updated_at)
                    SELECT campaign_id, patient_id, ?, ?, arm, language, status, reason, ?, ?, ?
                    FROM letter WHERE campaign_id = ? AND wave = ?""", ps -> {
                ps.setInt(1, wave.number());
                ps.setString(2, wave.templateKey());
                ps.setTimestamp(3, Timestamp.from(wave.due()));
                ps.setTimestamp(4, now);
                ps.setTimestamp(5, now);
                ps.setLong(6, launch.campaignId());
                ps.setInt(7, first.number());
                return ps.executeUpdate();
            });
        }
        for (Wave wave : launch.waves()) {
            byChannel(launch.campaignId(), wave, now);
        }
        LOG.info("Campaign {}: {} patients reachable only by post ({} with an address, {} held back as control)",
                launch.campaignId(), written, reachable, control);
    }

    /**
     * What the wave's channel makes of the rows above (written for every wave as AUTO would), by the one rule
     * ({@link WaveChannelPolicy}): a wave that does not write to those reachable only by post records why on
     * their row (EXCLUDED with the reason), and a LETTER wave writes to the texts' recipients too, its control
     * arm held back as from every channel.
     */
    private void byChannel(long campaignId, Wave wave, Timestamp now) {
        for (boolean address : new boolean[]{true, false}) {
            if (WaveChannelPolicy.reach(wave.channel(), new WaveChannelPolicy.Patient(false, false, address, true))
                    .channel() == Channel.CALL) {
                // Called in this wave (the call list makes their task when it falls due): no letter row, as a
                // recipient has no text row in a call wave. Their other waves' rows, and the control arm's, stay.
                jdbc.prepareStatement("""
                        DELETE FROM letter l USING patient p
                        WHERE p.id = l.patient_id AND l.campaign_id = ? AND l.wave = ? AND l.arm = 'LETTER'
                          AND %s = ? AND %s""".formatted(HAS_ADDRESS, HAS_TELEPHONE), ps -> {
                    ps.setLong(1, campaignId);
                    ps.setInt(2, wave.number());
                    ps.setBoolean(3, address);
                    return ps.executeUpdate();
                });
            }
        }
        WaveChannelPolicy.Reach postOnly = WaveChannelPolicy.reach(wave.channel(),
                new WaveChannelPolicy.Patient(false, false, true));
        WaveChannelPolicy.Reach postOnlyNoAddress = WaveChannelPolicy.reach(wave.channel(),
                new WaveChannelPolicy.Patient(false, false, false));
        if (postOnly.channel() != Channel.LETTER) {
            update("""
                    UPDATE letter SET status = 'EXCLUDED', reason = ?, updated_at = ?
                    WHERE campaign_id = ? AND wave = ? AND status = 'PENDING'""", postOnly.reason(), now, campaignId, wave);
        }
        update("""
                UPDATE letter SET reason = ?, updated_at = ?
                WHERE campaign_id = ? AND wave = ? AND status = 'EXCLUDED' AND reason = '%s'""".formatted(NO_ADDRESS),
                postOnlyNoAddress.reason(), now, campaignId, wave);
        WaveChannelPolicy.Reach recipient = WaveChannelPolicy.reach(wave.channel(),
                new WaveChannelPolicy.Patient(false, true, true));
        if (recipient.channel() != Channel.LETTER) {
            return;
        }
        String noAddress = WaveChannelPolicy.reach(wave.channel(), new WaveChannelPolicy.Patient(false, true, false)).reason();
        jdbc.prepareStatement("""
                INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, reason,
                                    due_at, created_at, updated_at)
                SELECT r.campaign_id, r.patient_id, ?, ?, CASE WHEN r.arm = 'CONTROL' THEN 'CONTROL' ELSE 'LETTER' END,
                       r.language,
                       CASE WHEN r.arm = 'CONTROL' THEN 'HELD_BACK' WHEN %1$s THEN 'PENDING' ELSE 'EXCLUDED' END,
                       CASE WHEN r.arm = 'CONTROL' OR %1$s THEN NULL ELSE ? END, ?, ?, ?
                FROM recipient r JOIN patient p ON p.id = r.patient_id
                WHERE r.campaign_id = ?""".formatted(HAS_ADDRESS), ps -> {
            ps.setInt(1, wave.number());
            ps.setString(2, wave.templateKey());
            ps.setString(3, noAddress);
            ps.setTimestamp(4, Timestamp.from(wave.due()));
            ps.setTimestamp(5, now);
            ps.setTimestamp(6, now);
            ps.setLong(7, campaignId);
            return ps.executeUpdate();
        });
    }

    private void update(String sql, String reason, Timestamp now, long campaignId, Wave wave) {
        jdbc.prepareStatement(sql, ps -> {
            ps.setString(1, reason);
            ps.setTimestamp(2, now);
            ps.setLong(3, campaignId);
            ps.setInt(4, wave.number());
            return ps.executeUpdate();
        });
    }
}
