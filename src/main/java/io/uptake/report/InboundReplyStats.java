package io.uptake.report;

import io.uptake.reply.ReplyCounts;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Replies from the replies feature's inbound_message table, through its public {@link ReplyCounts}. */
@Singleton
class InboundReplyStats implements ReplyStats {
    private final ReplyCounts counts;

    InboundReplyStats(ReplyCounts counts) {
        this.counts = counts;
    }

    @Override
    public boolean available() {
        return true;
    }

    /** replied = patients who replied at all; callRequests = texts classified as a request to be called. */
    @Override
    public Map<Long, Counts> forCampaigns(Collection<Long> campaignIds) {
        Map<Long, Counts> result = new LinkedHashMap<>();
        for (long id : campaignIds) {
            ReplyCounts.Counts c = counts.forCampaign(id);
            result.put(id, new Counts(c.patientsReplying(), c.callRequests()));
        }
        return result;
    }
}
