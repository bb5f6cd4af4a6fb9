package io.uptake.report;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Cumulative conversions by day since the index date (first text, or would-be text for control), for
 * days 0 to the attribution window. Rates let arms of different sizes be compared on one chart.
 */
@Serdeable
public record Timeline(long campaignId, int attributionDays, List<Series> arms) {

    @Serdeable
    public record Series(String arm, long patients, List<Long> cumulativeConverted, List<Double> cumulativeRate) {
    }
}
