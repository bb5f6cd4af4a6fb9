package io.uptake.report;

import java.util.List;

/**
 * When a group of a breakdown is marked "lowest uptake": only when it is significantly below the campaign, that is
 * when the whole of its 95% interval (already computed, Wilson score) lies below the campaign's conversion rate, and
 * it has enough patients for a rate to mean something. A group that merely has the smallest rate, by chance, is not
 * marked: marking it would send a PCN after noise. A pure rule, table-tested (LowestUptakeTest).
 */
final class LowestUptake {
    private LowestUptake() {
    }

    /**
     * @param ci95          the group's interval (low, high), null when it has no rate (none texted, or withheld)
     * @param campaignRate  the campaign's conversion rate, null when it has none
     * @param minRecipients groups smaller than this are never marked
     */
    static boolean marks(Long recipients, List<Double> ci95, Double campaignRate, int minRecipients) {
        return recipients != null && recipients >= minRecipients && ci95 != null && ci95.size() == 2
                && campaignRate != null && ci95.get(1) < campaignRate;
    }
}
