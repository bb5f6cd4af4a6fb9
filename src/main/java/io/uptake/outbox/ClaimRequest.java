package io.uptake.outbox;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a claim ({@link Claims#claim}) is for, and what its checks need to know. {@code allowed} caps a campaign's
 * share of the batch (its daily cap's allowance for this round, taken before the claim like the throttle's tokens);
 * a campaign not in it is bounded by {@code limit} alone.
 */
public record ClaimRequest(String token, Collection<Long> campaignIds, Instant now, int limit, Instant leaseUntil,
                           List<String> deceasedEventTypes, List<String> qualifyingProgrammes,
                           List<String> qualifyingEvents, Map<Long, Integer> allowed) {

    public ClaimRequest(String token, Collection<Long> campaignIds, Instant now, int limit, Instant leaseUntil,
                        List<String> deceasedEventTypes, List<String> qualifyingProgrammes,
                        List<String> qualifyingEvents) {
        this(token, campaignIds, now, limit, leaseUntil, deceasedEventTypes, qualifyingProgrammes, qualifyingEvents,
                Map.of());
    }
}
