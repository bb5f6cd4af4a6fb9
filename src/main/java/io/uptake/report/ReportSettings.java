package io.uptake.report;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;

/** {@code uptake.report.*}: age bands, highlighting and the publication rules (cost: {@code uptake.template.price-per-segment}). */
@ConfigurationProperties("uptake.report")
public class ReportSettings {
    /** Lower bounds of the age bands after the first ("under N"); the last band is open ("N+"). */
    private List<Integer> ageBandStarts = List.of(45, 50, 55, 60, 65, 70, 75);
    /** A group smaller than this is never marked as the lowest uptake: its rate is mostly noise. */
    private int lowestGroupMinRecipients = 10;
    /** Publication mode: counts in [suppressFrom, suppressTo] are withheld ... */
    private int suppressFrom = 1;
    private int suppressTo = 7;
    /** ... and every other count, totals included, is rounded to a multiple of this (1 = no rounding). */
    private int roundTo = 5;

    public List<Integer> getAgeBandStarts() {
        return ageBandStarts;
    }

    public void setAgeBandStarts(List<Integer> ageBandStarts) {
        this.ageBandStarts = List.copyOf(ageBandStarts);
    }

    public int getLowestGroupMinRecipients() {
        return lowestGroupMinRecipients;
    }

    public void setLowestGroupMinRecipients(int lowestGroupMinRecipients) {
        this.lowestGroupMinRecipients = lowestGroupMinRecipients;
    }

    public int getSuppressFrom() {
        return suppressFrom;
    }

    public void setSuppressFrom(int suppressFrom) {
        this.suppressFrom = suppressFrom;
    }

    public int getSuppressTo() {
        return suppressTo;
    }

    public void setSuppressTo(int suppressTo) {
        this.suppressTo = suppressTo;
    }

    public int getRoundTo() {
        return roundTo;
    }

    public void setRoundTo(int roundTo) {
        this.roundTo = roundTo;
    }

    /** The label of band {@code bucket} as numbered by PostgreSQL's width_bucket over {@link #ageBandStarts}. */
    String ageBandLabel(int bucket) {
        List<Integer> starts = ageBandStarts;
        if (bucket <= 0) {
            return "under " + starts.get(0);
        }
        if (bucket >= starts.size()) {
            return starts.get(starts.size() - 1) + "+";
        }
        return starts.get(bucket - 1) + "-" + (starts.get(bucket) - 1);
    }
}
