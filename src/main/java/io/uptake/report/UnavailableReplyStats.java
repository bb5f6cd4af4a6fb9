package io.uptake.report;

import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.Map;

/**
 * Used while the replies feature has not provided a {@link ReplyStats}: reports show replied and
 * callRequests as null ("not available"), never a false zero. Any other ReplyStats bean replaces it.
 */
@Singleton
@Secondary
class UnavailableReplyStats implements ReplyStats {
    @Override
    public boolean available() {
        return false;
    }

    @Override
    public Map<Long, Counts> forCampaigns(Collection<Long> campaignIds) {
        return Map.of();
    }
}
