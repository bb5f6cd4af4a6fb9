package io.uptake.report;

import java.util.Collection;
import java.util.Map;

/**
 * Replies and call requests per campaign, owned by the replies feature ({@link InboundReplyStats}). A report
 * whose source says {@link #available()} false shows the counts as null ("not available"), never zero.
 */
public interface ReplyStats {

    /** Patients who replied and patients who asked to be called, for the campaign. */
    record Counts(long replied, long callRequests) {
    }

    /** False while no source of replies exists: the report then shows the counts as null. */
    boolean available();

    /** Counts per campaign id; a campaign without replies maps to zeros. */
    Map<Long, Counts> forCampaigns(Collection<Long> campaignIds);
}
