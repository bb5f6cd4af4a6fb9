package io.uptake.reply;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.ResultSet;

/**
 * Replies per campaign, for the uptake report. A reply belongs to the campaign whose message it answered
 * (inbound_message.campaign_id); replies from unknown numbers belong to none. The caller scopes the
 * campaign to the user's PCN before asking.
 */
@Singleton
public class ReplyCounts {
    private final JdbcOperations jdbc;

    public ReplyCounts(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public Counts forCampaign(long campaignId) {
        return jdbc.prepareStatement("""
                SELECT count(*) AS replies,
                       count(DISTINCT patient_id) AS patients_replying,
                       count(*) FILTER (WHERE classification = 'CALL_REQUEST') AS call_requests,
                       count(*) FILTER (WHERE classification = 'OPT_OUT') AS opt_outs,
                       count(*) FILTER (WHERE classification = 'OPT_IN') AS opt_ins,
                       count(*) FILTER (WHERE classification = 'HELP') AS help_requests,
                       count(*) FILTER (WHERE classification = 'FREE_TEXT') AS free_text,
                       count(*) FILTER (WHERE likely_opt_out) AS likely_opt_outs,
                       count(*) FILTER (WHERE inbox_status = 'OPEN') AS open_in_inbox
                FROM inbound_message WHERE campaign_id = ?""", ps -> {
            ps.setLong(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(campaignId, rs.getLong("replies"), rs.getLong("patients_replying"),
                        rs.getLong("call_requests"), rs.getLong("opt_outs"), rs.getLong("opt_ins"),
                        rs.getLong("help_requests"), rs.getLong("free_text"), rs.getLong("likely_opt_outs"),
                        rs.getLong("open_in_inbox"));
            }
        });
    }

    /** Every count is of inbound texts (a patient texting STOP twice is two opt-outs) but patientsReplying. */
    @Serdeable
    public record Counts(long campaignId, long replies, long patientsReplying, long callRequests, long optOuts,
                         long optIns, long helpRequests, long freeText, long likelyOptOuts, long openInInbox) {
    }
}
